import codecs
import json

import pytest

from resonanz.core.errors import IngestError
from resonanz.core.ingest import open_table
from resonanz.core.ingest.errors import (
    E_BAD_FORMAT,
    E_DUPLICATE_COLUMN,
    E_EMPTY_FILE,
    E_ENCODING,
    E_FILE_TOO_LARGE,
)


def rows(t):
    return list(t.rows())


@pytest.mark.parametrize("delim", [";", ",", "\t", "|"])
def test_csv_delimiter_is_sniffed(tmp_path, delim):
    p = tmp_path / "f.csv"
    p.write_text(delim.join(["a", "b", "c"]) + "\n" + delim.join(["1", "2,5" if delim != "," else "2", "x"]) + "\n")
    with open_table(p) as t:
        assert t.info.delimiter == delim
        assert t.header == ["a", "b", "c"]
        assert rows(t)[0][0] == 2


def test_tsv_extension_uses_tab(tmp_path):
    p = tmp_path / "f.tsv"
    p.write_text("a\tb\n1\t2\n")
    with open_table(p) as t:
        assert (t.info.format, t.info.delimiter) == ("tsv", "\t")
        assert rows(t) == [(2, ["1", "2"])]


def test_cp1252_is_detected_for_german_excel_exports(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes("Name;Straße\nMüller;Hauptstraße 1\n".encode("cp1252"))
    with open_table(p) as t:
        assert t.info.encoding == "cp1252"
        assert t.header == ["Name", "Straße"]
        assert rows(t) == [(2, ["Müller", "Hauptstraße 1"])]


def test_utf8_bom_is_removed_from_the_header(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes(codecs.BOM_UTF8 + "id,Kommentar\n1,schön\n".encode())
    with open_table(p) as t:
        assert t.info.encoding == "utf-8-sig"
        assert t.header == ["id", "Kommentar"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_detected(tmp_path, encoding):
    p = tmp_path / "f.csv"
    p.write_bytes("Name;Kommentar\nMüller;Größe passt 👍\nZoë;ok\n".encode(encoding))
    with open_table(p) as t:
        assert t.info.encoding == encoding
        assert t.header == ["Name", "Kommentar"]
        assert rows(t) == [(2, ["Müller", "Größe passt 👍"]), (3, ["Zoë", "ok"])]


def test_a_few_nul_bytes_do_not_make_a_file_utf16(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes(b"Name;Kommentar\nM\x00ller;gut\x00\nA;b\n")
    with open_table(p) as t:
        assert t.info.encoding == "utf-8"


@pytest.mark.parametrize("suffix,content", [
    ("csv", "Na\x00me;Kommentar\nA;gut\x00 und\x00 schnell\n"),
    ("jsonl", '{"Na\\u0000me": "A", "Kommentar": "gut\\u0000 und\\u0000 schnell"}\n'),
])
def test_nul_characters_are_removed_from_header_and_cells(tmp_path, suffix, content):
    p = tmp_path / f"f.{suffix}"
    p.write_bytes(content.encode())
    with open_table(p) as t:
        assert t.header == ["Name", "Kommentar"]
        assert rows(t) == [(2 if suffix == "csv" else 1, ["A", "gut und schnell"])]


def test_wrong_explicit_encoding_is_a_coded_error(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes("a;b\nMüller;1\n".encode("cp1252"))
    with pytest.raises(IngestError) as exc:
        open_table(p, encoding="utf-8")
    assert exc.value.code == E_ENCODING
    assert "utf-8" in exc.value.message


def test_undecodable_bytes_late_in_the_file_name_the_row(tmp_path):
    p = tmp_path / "f.csv"
    body = "a;b\n" + "x;1\n" * 20000
    p.write_bytes(body.encode() + "Müller;2\n".encode("cp1252"))
    with open_table(p) as t, pytest.raises(IngestError) as exc:
        rows(t)
    assert exc.value.code == E_ENCODING
    assert exc.value.context["error"].row is not None


def test_empty_file_is_refused(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes(b"")
    with pytest.raises(IngestError) as exc:
        open_table(p)
    assert exc.value.code == E_EMPTY_FILE


def test_duplicate_column_names_are_refused(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("id;Datum;Datum\n1;2;3\n")
    with pytest.raises(IngestError) as exc:
        open_table(p)
    assert exc.value.code == E_DUPLICATE_COLUMN
    assert exc.value.context["error"].column == "Datum"


def test_file_over_the_size_limit_is_refused(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("a\n" + "1\n" * 100)
    with pytest.raises(IngestError) as exc:
        open_table(p, max_bytes=10)
    assert exc.value.code == E_FILE_TOO_LARGE


def test_json_array_is_streamed_with_row_numbers(tmp_path):
    p = tmp_path / "f.json"
    data = [{"id": i, "text": "x" * 50, "nps": i % 11, "ok": True} for i in range(3000)]
    p.write_text(json.dumps(data))
    with open_table(p) as t:
        assert t.header == ["id", "text", "nps", "ok"]
        got = rows(t)
    assert len(got) == 3000
    assert got[0] == (2, ["0", "x" * 50, "0", "true"])
    assert got[-1][0] == 3001


def test_broken_json_is_a_coded_error(tmp_path):
    p = tmp_path / "f.json"
    p.write_text('[{"a": 1}, {"a": ')
    with pytest.raises(IngestError) as exc, open_table(p) as t:
        rows(t)
    assert exc.value.code == E_BAD_FORMAT


def test_jsonl_rows_use_line_numbers(tmp_path):
    p = tmp_path / "f.jsonl"
    p.write_text('{"id": "a", "nps": 9}\n\n{"id": "b", "extra": {"k": 1}}\n')
    with open_table(p) as t:
        assert t.header == ["id", "nps", "extra"]
        assert rows(t) == [(1, ["a", "9", ""]), (3, ["b", "", '{"k": 1}'])]


def test_xlsx_is_read_in_streaming_mode(tmp_path):
    import datetime as dt

    import openpyxl

    p = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kundennummer", "Datum", "NPS", "Betrag"])
    ws.append(["K1", dt.datetime(2026, 11, 23, 14, 5), 9, 12.5])
    ws.append([None, None, None, None])
    ws.append(["K2", dt.date(2026, 11, 24), 10.0, 3])
    wb.save(p)
    with open_table(p) as t:
        assert t.info.format == "xlsx"
        assert t.header == ["Kundennummer", "Datum", "NPS", "Betrag"]
        assert rows(t) == [(2, ["K1", "2026-11-23 14:05:00", "9", "12.5"]),
                           (4, ["K2", "2026-11-24 00:00:00", "10", "3"])]
