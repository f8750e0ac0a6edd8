"""The CSV export writes German-style files with the same data as the generator."""

from __future__ import annotations

import csv
import re

from resonanz.demo.export import write_demo_files
from resonanz.demo.gen import generate


def _rows(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def test_write_demo_files_writes_german_csv_matching_the_generated_data(tmp_path):
    paths = write_demo_files(tmp_path, seed=3, customers=120)
    d = generate(seed=3, customers=120)
    customers, orders = _rows(paths["customers"]), _rows(paths["orders"])
    events, feedback = _rows(paths["events"]), _rows(paths["feedback"])
    assert (len(customers), len(orders), len(events), len(feedback)) == (
        len(d.customers), len(d.orders), len(d.events), len(d.feedback))
    assert {"Kundennummer", "E-Mail", "PLZ", "Kunde seit"} <= set(customers[0])
    assert {"Datum", "Kommentar", "Weiterempfehlung", "Zufriedenheit", "Aufwand", "Sterne"} <= set(feedback[0])
    assert customers[0]["Kundennummer"] == "K-100001"
    assert all(re.fullmatch(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", r["Bestelldatum"]) for r in orders)
    assert all(re.fullmatch(r"\d+,\d{2}", r["Betrag"]) for r in orders)
    assert [r["Kommentar"] for r in feedback] == [f.text for f in d.feedback]
    assert any(r["Kommentar"].startswith("=HYPERLINK(") for r in feedback)
    nps = [r for r in feedback if r["Quelle"] == "nps_survey"]
    assert nps and all(r["Weiterempfehlung"].isdigit() for r in nps)
