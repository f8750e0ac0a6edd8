"""Streaming readers for CSV/TSV, XLSX, JSON (array of objects) and JSONL, with format, encoding and
delimiter detection. Every reader yields ``(row_number, values)`` one row at a time (header = row 1);
nothing reads the whole file into memory.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from resonanz.core.ingest.errors import (
    E_BAD_FORMAT,
    E_DUPLICATE_COLUMN,
    E_EMPTY_FILE,
    E_ENCODING,
    E_FILE_TOO_LARGE,
    file_error,
)

FORMATS = ("csv", "tsv", "xlsx", "json", "jsonl")
DELIMITERS = (";", ",", "\t", "|")
SAMPLE_BYTES = 64 * 1024
JSON_HEADER_SAMPLE = 1000

csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class FileInfo:
    """What was detected (or given) about a file."""

    format: str
    encoding: str = ""
    delimiter: str = ""
    size: int = 0
    sheet: str = ""


@dataclass
class TableReader:
    """An opened table: ``header`` (column names), ``rows()`` (a one-shot generator) and ``bytes_read``."""

    info: FileInfo
    header: list[str]
    _rows: Iterator[tuple[int, list[str]]]
    _pos: Any = None  # callable returning bytes read so far
    _closers: list[Any] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The data rows. NUL characters are removed from every cell: they carry no meaning in text, are
        usually debris of a wrong encoding or a binary export, and PostgreSQL cannot store them."""
        for n, cells in self._rows:
            if any("\x00" in c for c in cells):
                cells = [c.replace("\x00", "") for c in cells]
            yield n, cells

    @property
    def bytes_read(self) -> int:
        try:
            return int(self._pos()) if self._pos else 0
        except (ValueError, OSError):
            return 0

    def close(self) -> None:
        for c in self._closers:
            with contextlib.suppress(Exception):  # closing is best effort
                c()

    def __enter__(self) -> TableReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def detect_format(path: Path, head: bytes) -> str:
    ext = path.suffix.lower().lstrip(".")
    if ext in {"csv", "txt"}:
        return "csv"
    if ext == "tsv" or ext == "tab":
        return "tsv"
    if ext in {"xlsx", "xlsm"}:
        return "xlsx"
    if ext == "json":
        return "json"
    if ext in {"jsonl", "ndjson"}:
        return "jsonl"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        return "jsonl"
    return "csv"


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """UTF-8 (with or without BOM) if the sample decodes strictly, else cp1252 (German Excel), else latin-1."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bom_less = _utf16_without_bom(sample)
    if bom_less:
        return bom_less
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 without a byte-order mark (some exports write it): mostly-ASCII text then has a NUL byte in
    every second position. Returns ``utf-16-le`` / ``utf-16-be`` when the sample looks like that."""
    pairs = len(sample) // 2
    if pairs < 2 or sample.count(0) < pairs // 2:
        return None
    odd, even = sample[1:2 * pairs:2].count(0), sample[0:2 * pairs:2].count(0)
    encoding = "utf-16-le" if odd >= 0.6 * pairs and even <= 0.05 * pairs else (
        "utf-16-be" if even >= 0.6 * pairs and odd <= 0.05 * pairs else None)
    if encoding is None:
        return None
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(sample[:2 * pairs], final=False)
    except UnicodeDecodeError:
        return None
    return encoding


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter among ``; , TAB |`` that splits the first lines into the most consistent columns."""
    lines = text.splitlines()[:50]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last sample line may be cut off
    best, best_score = ",", (0.0, 0)
    for cand in DELIMITERS:
        try:
            rows = [r for r in csv.reader(lines, delimiter=cand) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistency = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (consistency, width)
        if score > best_score:
            best, best_score = cand, score
    return best


def cell_text(value: Any) -> str:
    """Normalise a cell value from XLSX/JSON to the text the parsers expect."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _check_header(header: list[str]) -> list[str]:
    cleaned = [(h or "").replace("\x00", "").strip().lstrip("\ufeff") for h in header]
    if not any(cleaned):
        raise file_error(E_EMPTY_FILE, "the file has no header line (first row is empty)", row=1)
    cleaned = [h or f"column_{i + 1}" for i, h in enumerate(cleaned)]
    seen: dict[str, int] = {}
    for i, h in enumerate(cleaned):
        if h in seen:
            raise file_error(
                E_DUPLICATE_COLUMN,
                f"duplicate column name {h!r} (columns {seen[h] + 1} and {i + 1}); rename one of them",
                column=h, row=1,
            )
        seen[h] = i
    return cleaned


def open_table(
    path: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    max_bytes: int | None = None,
) -> TableReader:
    """Open a file for streaming. Detects the format (extension, then content), the text encoding and the CSV
    delimiter unless given. Raises :class:`IngestError` (E101 empty, E102 encoding, E104 duplicate columns,
    E107 too large, E108 bad format)."""
    p = Path(path)
    size = p.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise file_error(
            E_FILE_TOO_LARGE,
            f"the file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB (RESONANZ_MAX_UPLOAD_BYTES)",
        )
    if size == 0:
        raise file_error(E_EMPTY_FILE, "the file is empty")
    with p.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    fmt = (fmt or detect_format(p, head)).lower()
    if fmt not in FORMATS:
        raise file_error(E_BAD_FORMAT, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        return _open_xlsx(p, size)
    if encoding:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise file_error(E_ENCODING, f"unknown encoding {encoding!r}") from None
        if encoding == "utf-8" and head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
    else:
        encoding = detect_encoding(head, complete=size <= len(head))
    try:
        head_text = codecs.getincrementaldecoder(encoding)("strict").decode(head, final=size <= len(head))
    except UnicodeDecodeError as exc:
        raise file_error(
            E_ENCODING,
            f"the file is not valid {encoding} (byte {exc.start}: {exc.reason}); choose the right encoding "
            "(e.g. utf-8, cp1252, latin-1)",
        ) from None
    if not head_text.strip():
        raise file_error(E_EMPTY_FILE, "the file contains only blank space")
    raw = p.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    info = FileInfo(format=fmt, encoding=encoding, size=size)
    try:
        if fmt in {"csv", "tsv"}:
            delim = delimiter or ("\t" if fmt == "tsv" else sniff_delimiter(head_text))
            if delim in {"\\t", "tab", "TAB"}:
                delim = "\t"
            info.delimiter = delim
            header, rows = _csv_rows(text, delim, encoding)
        elif fmt == "jsonl":
            header, rows = _jsonl_rows(text, encoding)
        else:
            header, rows = _json_rows(text, encoding)
    except BaseException:
        text.close()
        raise
    return TableReader(info=info, header=header, _rows=rows, _pos=raw.tell, _closers=[text.close])


def _decode_error(exc: UnicodeDecodeError, encoding: str, row: int | None) -> Exception:
    return file_error(
        E_ENCODING,
        f"cannot decode the file as {encoding} near row {row} ({exc.reason}); choose the right encoding "
        "(e.g. utf-8, cp1252, latin-1)",
        row=row,
    )


def _csv_rows(text: IO[str], delim: str, encoding: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    reader = csv.reader(text, delimiter=delim)
    try:
        header = next(reader)
    except StopIteration:
        raise file_error(E_EMPTY_FILE, "the file is empty") from None
    except UnicodeDecodeError as exc:
        raise _decode_error(exc, encoding, 1) from None
    except csv.Error as exc:
        raise file_error(E_BAD_FORMAT, f"cannot read the CSV header: {exc}", row=1) from None
    header = _check_header(header)

    def gen() -> Iterator[tuple[int, list[str]]]:
        it = iter(reader)
        while True:
            try:
                row = next(it)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise _decode_error(exc, encoding, reader.line_num + 1) from None
            except csv.Error as exc:
                raise file_error(E_BAD_FORMAT, f"broken CSV near row {reader.line_num}: {exc}",
                                 row=reader.line_num) from None
            if row and (len(row) > 1 or row[0].strip()):
                yield reader.line_num, row

    return header, gen()


def _header_from_objects(objs: list[dict[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for o in objs:
        for k in o:
            keys.setdefault(str(k), None)
    return list(keys)


def _objects_to_rows(
    first: list[tuple[int, Any]], rest: Iterator[tuple[int, Any]], header: list[str]
) -> Iterator[tuple[int, list[str]]]:
    from resonanz.core.ingest.errors import E_BAD_RECORD  # local: keeps the import list short

    def conv(n: int, obj: Any) -> list[str]:
        if not isinstance(obj, dict):
            raise file_error(E_BAD_RECORD, f"record {n} is not an object ({type(obj).__name__})", row=n)
        return [cell_text(obj.get(h)) for h in header]

    for n, obj in first:
        yield n, conv(n, obj)
    for n, obj in rest:
        yield n, conv(n, obj)


def _jsonl_objects(text: IO[str], encoding: str) -> Iterator[tuple[int, Any]]:
    n = 0
    while True:
        try:
            line = text.readline()
        except UnicodeDecodeError as exc:
            raise _decode_error(exc, encoding, n + 1) from None
        if not line:
            return
        n += 1
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            raise file_error(E_BAD_FORMAT, f"line {n} is not valid JSON: {exc.msg}", row=n) from None


def _peek(objs: Iterator[tuple[int, Any]]) -> tuple[list[tuple[int, Any]], list[str]]:
    first: list[tuple[int, Any]] = []
    for item in objs:
        first.append(item)
        if len(first) >= JSON_HEADER_SAMPLE:
            break
    header = _header_from_objects([o for _, o in first if isinstance(o, dict)])
    if not first:
        raise file_error(E_EMPTY_FILE, "the file contains no records")
    return first, header


def _jsonl_rows(text: IO[str], encoding: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    objs = _jsonl_objects(text, encoding)
    first, header = _peek(objs)
    return _check_header(header), _objects_to_rows(first, objs, header)


def _json_array_objects(text: IO[str], encoding: str, chunk: int = 1 << 16) -> Iterator[tuple[int, Any]]:
    """Stream the elements of a top-level JSON array (row number = element index + 1, header = row 1)."""
    decoder = json.JSONDecoder()
    buf, pos, eof = "", 0, False

    def more(size: int) -> None:
        nonlocal buf, pos, eof
        try:
            data = text.read(size)
        except UnicodeDecodeError as exc:
            raise _decode_error(exc, encoding, None) from None
        if not data:
            eof = True
        buf = buf[pos:] + data
        pos = 0

    def skip_ws() -> None:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n\ufeff":
                pos += 1
            if pos < len(buf) or eof:
                return
            more(chunk)

    more(chunk)
    skip_ws()
    if pos >= len(buf) or buf[pos] != "[":
        raise file_error(E_BAD_FORMAT, "a JSON file must contain an array of objects ([{…}, {…}])")
    pos += 1
    n = 0
    while True:
        skip_ws()
        if pos >= len(buf):
            raise file_error(E_BAD_FORMAT, "the JSON array is not closed (missing ']')", row=n + 1)
        if buf[pos] == "]":
            return
        if n:
            if buf[pos] != ",":
                raise file_error(E_BAD_FORMAT, f"expected ',' after record {n}", row=n + 1)
            pos += 1
            skip_ws()
        size = chunk
        while True:
            try:
                obj, end = decoder.raw_decode(buf, pos)
                break
            except json.JSONDecodeError as exc:
                if eof:
                    raise file_error(E_BAD_FORMAT, f"record {n + 1} is not valid JSON: {exc.msg}",
                                     row=n + 2) from None
                more(size)
                size *= 2
        pos = end
        n += 1
        yield n + 1, obj


def _json_rows(text: IO[str], encoding: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    objs = _json_array_objects(text, encoding)
    first, header = _peek(objs)
    return _check_header(header), _objects_to_rows(first, objs, header)


def _open_xlsx(p: Path, size: int) -> TableReader:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover
        raise file_error(E_BAD_FORMAT, "reading XLSX needs openpyxl") from None
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types
        raise file_error(E_BAD_FORMAT, f"not a readable XLSX workbook: {exc}") from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header_row: tuple[Any, ...] | None = None
    header_no = 0
    for header_no, values in enumerate(it, start=1):  # noqa: B007
        if values and any(v not in (None, "") for v in values):
            header_row = values
            break
    if header_row is None:
        wb.close()
        raise file_error(E_EMPTY_FILE, "the worksheet is empty")
    header = _check_header([cell_text(v) for v in header_row])
    width = len(header)
    total_rows = ws.max_row or 0
    state = {"row": header_no}

    def gen() -> Iterator[tuple[int, list[str]]]:
        n = header_no
        for values in it:
            n += 1
            state["row"] = n
            cells = [cell_text(v) for v in values]
            while len(cells) > width and cells[-1] == "":
                cells.pop()
            if any(c.strip() for c in cells):
                yield n, cells

    def pos() -> int:
        return int(size * state["row"] / total_rows) if total_rows else 0

    info = FileInfo(format="xlsx", size=size, sheet=ws.title)
    return TableReader(info=info, header=header, _rows=gen(), _pos=pos, _closers=[wb.close])
