import codecs
import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from resonanz.core.ingest.errors import (
    E_BAD_DATE,
    E_BAD_NUMBER,
    E_DUPLICATE_COLUMN,
    E_EMPTY_FILE,
    E_ENCODING,
    E_FILE_TOO_LARGE,
    E_HEADER_ONLY,
    E_NEGATIVE_AMOUNT,
    E_OUT_OF_RANGE,
    E_REQUIRED_COLUMN,
    E_REQUIRED_VALUE,
    E_TOO_LONG,
    E_UNKNOWN_CODE,
    E_UNKNOWN_COLUMN,
    E_UNKNOWN_CUSTOMER,
    E_UNKNOWN_SOURCE,
)
from resonanz.customers.models import Customer, Order
from resonanz.feedback.models import Feedback
from resonanz.imports.models import ImportBatch
from resonanz.imports.services import import_file
from resonanz.journeys.models import Event

pytestmark = pytest.mark.django_db

FEEDBACK_HEADER = "Antwort-ID;Kundennummer;Datum;Kommentar;Weiterempfehlung;Zufriedenheit;Touchpoint\n"


def errors(result):
    return [(e["row"], e["column"], e["value"], e["code"]) for e in result.errors]


def test_german_cp1252_file_with_semicolons_decimal_comma_and_german_dates_imports(write, customers):
    path = write("bestellungen.csv", (
        "Bestellnummer;Kundennummer;Bestelldatum;Betrag;Kanal\n"
        "B-1;K1;23.11.2026 14:05;1.234,56;Filiale\n"
        "B-2;K2;01.12.2026;19,90 €;website\n"
    ), encoding="cp1252")
    result = import_file(path=path, kind="orders")
    assert result.ok, result.errors
    assert (result.encoding, result.delimiter) == ("cp1252", ";")
    assert result.rows_created == 2
    o1 = Order.objects.get(external_id="B-1")
    assert o1.amount == Decimal("1234.56")
    assert o1.customer.external_id == "K1"
    assert o1.channel.code == "store"
    assert o1.ordered_at.isoformat() == "2026-11-23T13:05:00+00:00"
    assert Order.objects.get(external_id="B-2").amount == Decimal("19.90")


def test_german_umlauts_in_cp1252_feedback_are_stored_correctly(write, customers):
    path = write("fb.csv", FEEDBACK_HEADER + "A1;K1;23.11.2026;Größe passt, Lieferung schnell;9;;Lieferung\n",
                 encoding="cp1252")
    result = import_file(path=path, kind="feedback")
    assert result.ok, result.errors
    fb = Feedback.objects.get()
    assert fb.text == "Größe passt, Lieferung schnell"
    assert fb.touchpoint.code == "delivery"
    assert fb.source.code == "manual"
    assert fb.dedupe_key == "ext:manual:A1"


def test_utf8_bom_file_imports_with_clean_header(write):
    path = write("c.csv", codecs.BOM_UTF8 + "Kundennummer,Name\nK9,Zoë\n".encode())
    result = import_file(path=path, kind="customers")
    assert result.ok
    assert result.mapping["external_id"] == "Kundennummer"
    assert Customer.objects.get(external_id="K9").name == "Zoë"


def test_xlsx_import(tmp_path, customers):
    import openpyxl

    p = tmp_path / "fb.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Kundennummer", "Datum", "Kommentar", "NPS"])
    ws.append(["X1", "K1", "23.11.2026", "Prima", 10])
    ws.append(["X2", "K2", "24.11.2026 10:00", "Naja", 6])
    wb.save(p)
    result = import_file(path=p, kind="feedback")
    assert result.ok, result.errors
    assert result.file_format == "xlsx"
    assert sorted(Feedback.objects.values_list("nps", flat=True)) == [6, 10]


def test_json_and_jsonl_imports(write, customers):
    rows = [{"id": "E1", "customer": "K1", "date": "2026-11-23T10:00:00Z", "type": "page_view",
             "touchpoint": "Produktseite", "properties.page": "/x"}]
    mapping = {"external_id": "id", "customer_external_id": "customer", "occurred_at": "date", "type": "type",
               "touchpoint": "touchpoint", "properties.page": "properties.page"}
    result = import_file(path=write("e.json", json.dumps(rows)), kind="events", mapping=mapping)
    assert result.ok, result.errors
    ev = Event.objects.get(external_id="E1")
    assert ev.touchpoint.code == "product_page"
    assert ev.stage.code == "consideration"  # taken from the touchpoint
    assert ev.properties == {"page": "/x"}
    jsonl = "\n".join(json.dumps({**rows[0], "id": f"E{i}"}) for i in range(2, 5))
    result = import_file(path=write("e.jsonl", jsonl), kind="events", mapping=mapping)
    assert result.ok and result.rows_created == 3


def test_reimport_of_the_same_file_creates_no_duplicates(write, customers):
    content = FEEDBACK_HEADER + "A1;K1;23.11.2026;gut;9;;\n;K2;23.11.2026;ohne ID;7;;\n"
    path = write("fb.csv", content)
    first = import_file(path=path, kind="feedback")
    second = import_file(path=path, kind="feedback")
    assert (first.rows_created, first.rows_unchanged) == (2, 0)
    assert (second.rows_created, second.rows_unchanged) == (0, 2)
    assert Feedback.objects.count() == 2
    assert Feedback.objects.filter(dedupe_key__startswith="hash:").count() == 1


def test_reimport_of_orders_and_events_without_ids_uses_content_hash(write, customers):
    path = write("o.csv", "Kundennummer;Datum;Betrag\nK1;23.11.2026;10\nK2;23.11.2026;20\n")
    import_file(path=path, kind="orders")
    again = import_file(path=path, kind="orders")
    assert again.rows_created == 0 and again.rows_unchanged == 2
    assert Order.objects.filter(external_id__startswith="hash:").count() == 2


def test_customers_reimport_counts_updated_and_unchanged(write):
    path = write("c.csv", "Kundennummer;Vorname;Nachname;Stadt;Newsletter\nK1;Anna;Alt;Berlin;ja\nK2;Bo;B;Köln;nein\n")
    import_file(path=path, kind="customers")
    c1 = Customer.objects.get(external_id="K1")
    assert (c1.name, c1.city, c1.consent_marketing) == ("Anna Alt", "Berlin", True)
    assert c1.consent_marketing_at is not None
    path2 = write("c2.csv", "Kundennummer;Vorname;Nachname;Stadt;Newsletter\nK1;Anna;Alt;Hamburg;ja\nK2;Bo;B;Köln;nein\n"
                  "K3;Cem;C;Bonn;x\n")
    result = import_file(path=path2, kind="customers")
    assert (result.rows_created, result.rows_updated, result.rows_unchanged) == (1, 1, 1)
    assert Customer.objects.get(external_id="K1").city == "Hamburg"


def test_atomic_mode_imports_nothing_when_one_row_is_invalid(write, customers):
    path = write("fb.csv", FEEDBACK_HEADER + "A1;K1;23.11.2026;gut;9;;\nA2;K1;23.11.2026;schlecht;11;;\n")
    result = import_file(path=path, kind="feedback")
    assert not result.ok
    assert result.status == "failed"
    assert result.rows_created == 0
    assert Feedback.objects.count() == 0
    assert errors(result) == [(3, "Weiterempfehlung", "11", E_OUT_OF_RANGE)]
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.status == "failed" and batch.errors[0]["code"] == E_OUT_OF_RANGE


def test_skip_invalid_imports_valid_rows_and_writes_formula_safe_rejected_file(write, customers):
    path = write("fb.csv", FEEDBACK_HEADER + "A1;K1;23.11.2026;gut;9;;\nA2;K1;23.11.2026;=HYPERLINK(\"x\");11;;\n"
                 "A3;K1;morgen;@SUM(A1);5;;\n")
    result = import_file(path=path, kind="feedback", skip_invalid=True)
    assert result.ok
    assert (result.rows_created, result.rows_rejected) == (1, 2)
    rejected = Path(settings.MEDIA_ROOT) / result.rejected_file
    with rejected.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["row", "Antwort-ID", "Kundennummer", "Datum", "Kommentar", "Weiterempfehlung",
                       "Zufriedenheit", "Touchpoint", "error"]
    assert rows[1][0] == "3" and rows[1][4] == "'=HYPERLINK(\"x\")"
    assert "E113" in rows[1][-1]
    assert rows[2][4] == "'@SUM(A1)" and "E111" in rows[2][-1]
    errors_csv = (Path(settings.MEDIA_ROOT) / result.errors_file).read_text(encoding="utf-8-sig")
    assert "E111" in errors_csv and "E113" in errors_csv


@pytest.mark.parametrize(("body", "expected"), [
    ("A1;K1;;gut;9;;\n", (2, "Datum", "", E_REQUIRED_VALUE)),
    ("A1;K1;2026-13-45;gut;9;;\n", (2, "Datum", "2026-13-45", E_BAD_DATE)),
    ("A1;K1;23.11.2026;gut;neun;;\n", (2, "Weiterempfehlung", "neun", E_BAD_NUMBER)),
    ("A1;K1;23.11.2026;gut;11;;\n", (2, "Weiterempfehlung", "11", E_OUT_OF_RANGE)),
    ("A1;K1;23.11.2026;gut;;0;\n", (2, "Zufriedenheit", "0", E_OUT_OF_RANGE)),
    ("A1;K1;23.11.2026;gut;9;;Mond\n", (2, "Touchpoint", "Mond", E_UNKNOWN_CODE)),
    ("A1;K77;23.11.2026;gut;9;;\n", (2, "Kundennummer", "K77", E_UNKNOWN_CUSTOMER)),
    ("A1;K1;23.11.2026;gut;9;;\nA2;K1;23.11.2026;gut;9;;\n\n" + "A" * 200 + ";K1;23.11.2026;x;1;;\n",
     (5, "Antwort-ID", "A" * 99 + "…", E_TOO_LONG)),
])
def test_bad_values_are_reported_with_row_column_value_and_code(write, customers, body, expected):
    result = import_file(path=write("fb.csv", FEEDBACK_HEADER + body), kind="feedback")
    assert errors(result) == [expected]
    assert result.errors[0]["reason"]
    assert Feedback.objects.count() == 0


def test_negative_amount_is_rejected(write, customers):
    result = import_file(path=write("o.csv", "Bestellnummer;Kundennummer;Datum;Betrag\nB1;K1;23.11.2026;-12,50\n"),
                         kind="orders")
    assert errors(result) == [(2, "Betrag", "-12,50", E_NEGATIVE_AMOUNT)]
    assert result.errors[0]["reason"].startswith("negative amount")


def test_unknown_source_code_in_a_column_and_as_default(write, customers):
    path = write("fb.csv", "Datum;Kommentar;Quelle\n23.11.2026;gut;tiktok\n")
    result = import_file(path=path, kind="feedback")
    assert errors(result) == [(2, "Quelle", "tiktok", E_UNKNOWN_SOURCE)]
    result = import_file(path=write("fb2.csv", "Datum;Kommentar\n23.11.2026;gut\n"), kind="feedback",
                         source="myspace")
    assert result.errors[0]["code"] == E_UNKNOWN_SOURCE and not result.ok
    ok = import_file(path=write("fb3.csv", "Datum;Kommentar\n23.11.2026;gut\n"), kind="feedback",
                     source="app_store")
    assert ok.ok and Feedback.objects.get().source.code == "app_store"


@pytest.mark.parametrize(("content", "code"), [
    (b"", E_EMPTY_FILE),
    (FEEDBACK_HEADER.encode(), E_HEADER_ONLY),
    (b"Datum;Datum;Kommentar\n23.11.2026;x;y\n", E_DUPLICATE_COLUMN),
    (b"Kommentar;NPS\nsuper;9\n", E_REQUIRED_COLUMN),
])
def test_file_level_problems_give_one_coded_error(write, content, code):
    result = import_file(path=write("f.csv", content), kind="feedback")
    assert not result.ok
    assert [e["code"] for e in result.errors] == [code]


def test_wrong_encoding_is_reported(write):
    path = write("f.csv", "Datum;Kommentar\n23.11.2026;Grüße\n", encoding="cp1252")
    result = import_file(path=path, kind="feedback", encoding="utf-8")
    assert [e["code"] for e in result.errors] == [E_ENCODING]


def test_explicit_mapping_with_unknown_column_is_reported(write):
    path = write("f.csv", "Datum;Kommentar\n23.11.2026;gut\n")
    result = import_file(path=path, kind="feedback", mapping={"received_at": "Datum", "text": "Freitext"})
    assert [(e["column"], e["code"]) for e in result.errors] == [("Freitext", E_UNKNOWN_COLUMN)]


def test_file_over_the_size_limit_is_refused(write, settings):
    settings.RESONANZ_MAX_UPLOAD_BYTES = 20
    result = import_file(path=write("f.csv", "Datum;Kommentar\n23.11.2026;gut\n"), kind="feedback")
    assert [e["code"] for e in result.errors] == [E_FILE_TOO_LARGE]
    assert "limit" in result.errors[0]["reason"]


def test_hostile_text_is_stored_verbatim(write):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    result = import_file(path=write("f.csv", f"Datum;Kommentar\n23.11.2026;{hostile}\n"), kind="feedback")
    assert result.ok
    assert Feedback.objects.get().text == hostile


def test_nul_bytes_in_cells_are_dropped_so_every_database_stores_the_row(write, customers):
    # PostgreSQL refuses NUL in text columns: before the reader dropped them, this import crashed there.
    feedback = write("fb.csv", FEEDBACK_HEADER + "A1;K1;23.11.2026;Gut\x00 und \x00schnell;9;;Lieferung\n")
    result = import_file(path=feedback, kind="feedback")
    assert result.ok, result.errors
    assert Feedback.objects.get().text == "Gut und schnell"
    people = write("c.jsonl", '{"Kundennummer": "K9", "Name": "Zo\\u0000e"}\n')
    assert import_file(path=people, kind="customers").ok
    assert Customer.objects.get(external_id="K9").name == "Zoe"


def test_utf16_export_without_byte_order_mark_imports(write, customers):
    path = write("fb.csv", FEEDBACK_HEADER + "A1;K1;23.11.2026;Größe passt, Lieferung schnell;9;;Lieferung\n",
                 encoding="utf-16-le")
    result = import_file(path=path, kind="feedback")
    assert result.ok, result.errors
    assert result.encoding == "utf-16-le"
    assert Feedback.objects.get().text == "Größe passt, Lieferung schnell"


def test_dry_run_counts_but_writes_nothing(write, customers):
    result = import_file(path=write("f.csv", FEEDBACK_HEADER + "A1;K1;23.11.2026;gut;9;;\n"), kind="feedback",
                         dry_run=True)
    assert result.ok and result.rows_created == 1
    assert Feedback.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_streaming_in_small_chunks_reports_progress(write, customers):
    body = "".join(f"A{i};K1;23.11.2026;Text {i};{i % 11};;\n" for i in range(250))
    seen = []
    result = import_file(path=write("f.csv", FEEDBACK_HEADER + body), kind="feedback", chunk_size=100,
                         progress=seen.append)
    assert result.rows_created == 250
    assert [p.rows_read for p in seen] == [100, 200, 250]
    assert seen[-1].bytes_read == seen[-1].bytes_total


def test_batch_run_is_idempotent_and_updates_the_job(write, customers):
    from resonanz.imports.services import import_batch_create, import_batch_run
    from resonanz.jobs import services as job_services

    batch = import_batch_create(upload=write("f.csv", FEEDBACK_HEADER + "A1;K1;23.11.2026;gut;9;;\n"),
                                kind="feedback")
    batch.job = job_services.job_create(kind="import")
    batch.save()
    first = import_batch_run(batch_id=batch.pk)
    assert first.ok and first.rows_created == 1
    batch.refresh_from_db()
    assert batch.job.status == "done" and batch.job.counts["created"] == 1
    assert import_batch_run(batch_id=batch.pk) is None  # already finished: left alone
    assert Feedback.objects.count() == 1


def test_unknown_customer_rows_are_rejected_in_skip_mode(write, customers):
    path = write("e.csv", "Kundennummer;Datum;Typ\nK1;23.11.2026;visit\nK404;23.11.2026;visit\n")
    result = import_file(path=path, kind="events", skip_invalid=True)
    assert (result.rows_created, result.rows_rejected) == (1, 1)
    assert errors(result) == [(3, "Kundennummer", "K404", E_UNKNOWN_CUSTOMER)]


def test_parallel_reader_gives_the_same_result_as_the_serial_path(write, customers):
    body = "".join(f"A{i};K{1 + i % 3};23.11.2026 1{i % 10}:05;Text {i};{i % 11};;\n" for i in range(300))
    body += "A900;K1;morgen;kaputt;9;;\nA901;K404;23.11.2026;wer?;9;;\n"
    path = write("f.csv", FEEDBACK_HEADER + body)
    par = import_file(path=path, kind="feedback", skip_invalid=True, parallel=True, chunk_size=64)
    keys = sorted(Feedback.objects.values_list("dedupe_key", "received_at", "nps", "customer__external_id"))
    Feedback.objects.all().delete()
    ser = import_file(path=path, kind="feedback", skip_invalid=True, parallel=False, chunk_size=64)
    assert sorted(Feedback.objects.values_list("dedupe_key", "received_at", "nps", "customer__external_id")) == keys
    assert (par.rows_total, par.rows_created, par.rows_rejected) == (302, 300, 2)
    assert (ser.rows_total, ser.rows_created, ser.rows_rejected) == (302, 300, 2)
    assert sorted(errors(par)) == sorted(errors(ser)) == [(302, "Datum", "morgen", E_BAD_DATE),
                                                          (303, "Kundennummer", "K404", E_UNKNOWN_CUSTOMER)]


def test_parallel_reader_reports_file_level_errors(write):
    path = write("f.csv", b"Datum;Kommentar\n" + b"23.11.2026;ok\n" * 5000 + "23.11.2026;Grüße\n".encode("cp1252"))
    result = import_file(path=path, kind="feedback", parallel=True, encoding="utf-8")
    assert [e["code"] for e in result.errors] == [E_ENCODING]
    assert Feedback.objects.count() == 0
