"""Ingest core: read CSV/TSV/XLSX/JSON/JSONL files as streams, suggest a column mapping, validate and convert
rows with specific coded errors. Pure Python – the Django side (``resonanz.imports``) does the writes.
"""

from resonanz.core.ingest.errors import ERROR_CODES, RowError
from resonanz.core.ingest.mapping import Suggestion, norm_key, suggest_mapping, suggestion_to_mapping
from resonanz.core.ingest.parsers import make_datetime_parser, parse_bool, parse_decimal, parse_int
from resonanz.core.ingest.readers import FileInfo, TableReader, open_table
from resonanz.core.ingest.safecsv import SafeCsvWriter, safe_cell
from resonanz.core.ingest.schema import KINDS, SCHEMAS, FieldSpec
from resonanz.core.ingest.validate import (
    RowValidator,
    check_mapping,
    compile_validator,
    content_hash,
    lookup_table,
)

__all__ = [
    "ERROR_CODES", "KINDS", "SCHEMAS", "FieldSpec", "FileInfo", "RowError", "RowValidator", "SafeCsvWriter",
    "Suggestion", "TableReader", "check_mapping", "compile_validator", "content_hash", "lookup_table",
    "make_datetime_parser", "norm_key", "open_table", "parse_bool", "parse_decimal", "parse_int", "safe_cell",
    "suggest_mapping", "suggestion_to_mapping",
]
