"""Error codes and the row-level error record of the ingest core.

File-level problems raise :class:`resonanz.core.errors.IngestError` with one of the ``E1xx`` codes below;
row-level problems are collected as :class:`RowError` records (``row`` = line in the file, header = 1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from resonanz.core.errors import IngestError

# File-level
E_EMPTY_FILE = "E101"
E_ENCODING = "E102"
E_HEADER_ONLY = "E103"
E_DUPLICATE_COLUMN = "E104"
E_UNKNOWN_COLUMN = "E105"
E_REQUIRED_COLUMN = "E106"
E_FILE_TOO_LARGE = "E107"
E_BAD_FORMAT = "E108"
E_UNKNOWN_TARGET = "E109"
# Row-level
E_REQUIRED_VALUE = "E110"
E_BAD_DATE = "E111"
E_BAD_NUMBER = "E112"
E_OUT_OF_RANGE = "E113"
E_NEGATIVE_AMOUNT = "E114"
E_UNKNOWN_CODE = "E115"
E_UNKNOWN_SOURCE = "E116"
E_TOO_LONG = "E117"
E_UNKNOWN_CUSTOMER = "E118"
E_BAD_BOOLEAN = "E119"
E_BAD_CHOICE = "E120"
E_NO_CONTENT = "E121"
E_FIELD_COUNT = "E122"
E_BAD_RECORD = "E123"

ERROR_CODES: dict[str, str] = {
    E_EMPTY_FILE: "empty file",
    E_ENCODING: "file cannot be decoded with the (detected or given) encoding",
    E_HEADER_ONLY: "header line but no data rows",
    E_DUPLICATE_COLUMN: "duplicate column names in the header",
    E_UNKNOWN_COLUMN: "the mapping names a column that is not in the file",
    E_REQUIRED_COLUMN: "a required field is not mapped to any column",
    E_FILE_TOO_LARGE: "file is over the size limit",
    E_BAD_FORMAT: "file is not valid CSV/XLSX/JSON/JSONL",
    E_UNKNOWN_TARGET: "the mapping names a target field that does not exist for this kind",
    E_REQUIRED_VALUE: "a required value is empty",
    E_BAD_DATE: "date/time cannot be parsed",
    E_BAD_NUMBER: "number cannot be parsed",
    E_OUT_OF_RANGE: "number outside the allowed range",
    E_NEGATIVE_AMOUNT: "negative amount",
    E_UNKNOWN_CODE: "unknown touchpoint / channel / stage",
    E_UNKNOWN_SOURCE: "unknown feedback source",
    E_TOO_LONG: "value longer than the field allows",
    E_UNKNOWN_CUSTOMER: "customer id not found",
    E_BAD_BOOLEAN: "value is not a yes/no value",
    E_BAD_CHOICE: "value is not one of the allowed choices",
    E_NO_CONTENT: "feedback row has neither text nor a score",
    E_FIELD_COUNT: "row has more fields than the header",
    E_BAD_RECORD: "record is not an object / cannot be read",
}

VALUE_PREVIEW = 100


def truncate(value: Any, limit: int = VALUE_PREVIEW) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem with one value. ``row`` is the 1-based row in the file with the header as row 1
    (CSV: physical line where the record ends; XLSX: sheet row; JSONL: line; JSON array: object n → n + 1);
    ``None`` for file-level errors."""

    row: int | None
    column: str | None
    value: str
    reason: str
    code: str
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        col = f", column {self.column!r}" if self.column else ""
        val = f", value {self.value!r}" if self.value else ""
        return f"[{self.code}] {where}{col}{val}: {self.reason}"


def file_error(code: str, message: str, *, column: str | None = None, value: Any = "",
               row: int | None = None) -> IngestError:
    """An :class:`IngestError` for a file-level problem carrying the equivalent :class:`RowError`."""
    err = RowError(row=row, column=column, value=truncate(value), reason=message, code=code)
    return IngestError(message, code=code, error=err)


class ValueProblem(ValueError):
    """Raised by parsers: ``code`` says which kind of problem, the message says why."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
