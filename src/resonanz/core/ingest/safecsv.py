"""CSV output that is safe to open in a spreadsheet (no formula injection) and friendly to German Excel."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from typing import IO, Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Prefix a cell that a spreadsheet would run as a formula (``= + - @ TAB CR``) with a single quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class SafeCsvWriter:
    """Writes rows with every cell passed through :func:`safe_cell`; UTF-8 with BOM, ``;`` as delimiter."""

    def __init__(self, path: str | os.PathLike[str], header: Iterable[str]) -> None:
        self.path = path
        self._fh: IO[str] = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        self._w = csv.writer(self._fh, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        self._w.writerow([safe_cell(h) for h in header])
        self.rows = 0

    def write(self, row: Iterable[Any]) -> None:
        self._w.writerow([safe_cell(v) for v in row])
        self.rows += 1

    def close(self) -> None:
        self._fh.close()
