import pytest

from resonanz.core.errors import IngestError
from resonanz.core.ingest import compile_validator, safe_cell, suggest_mapping, suggestion_to_mapping
from resonanz.core.ingest.errors import (
    E_NEGATIVE_AMOUNT,
    E_NO_CONTENT,
    E_OUT_OF_RANGE,
    E_REQUIRED_COLUMN,
    E_REQUIRED_VALUE,
    E_TOO_LONG,
    E_UNKNOWN_COLUMN,
    E_UNKNOWN_TARGET,
)
from resonanz.core.ingest.mapping import norm_key


def test_norm_key_ignores_case_accents_and_punctuation():
    assert norm_key("Kunden-Nr.") == "kundennr"
    assert norm_key("  E-MAIL ") == "email"
    assert norm_key("Größe") == "grosse"


@pytest.mark.parametrize(("header", "target"), [
    ("Kommentar", "text"), ("Freitext", "text"), ("comment", "text"), ("Bewertung", "rating"),
    ("Sterne", "rating"), ("Weiterempfehlung", "nps"), ("Likelihood to recommend", "nps"),
    ("Zufriedenheit", "csat"), ("CES", "ces"), ("Aufwand", "ces"), ("Datum", "received_at"),
    ("Eingang", "received_at"), ("Kunden-Nr.", "customer_external_id"), ("Customer ID", "customer_external_id"),
    ("Quelle", "source"), ("Kanal", "channel"), ("Touchpoint", "touchpoint"),
])
def test_feedback_mapping_is_suggested_from_german_and_english_names(header, target):
    sug = suggest_mapping("feedback", [header])
    assert sug[0].target == target
    assert sug[0].score >= 0.75


def test_customer_mapping_suggestions_and_unknown_columns_go_to_attributes():
    header = ["Kundennummer", "Vorname", "Nachname", "E-Mail", "PLZ", "Ort", "Bundesland", "Land", "Geschlecht",
              "Geburtsjahr", "Lieblingsfarbe"]
    mapping = suggestion_to_mapping(suggest_mapping("customers", header))
    assert mapping == {
        "external_id": "Kundennummer", "first_name": "Vorname", "last_name": "Nachname", "email": "E-Mail",
        "postcode": "PLZ", "city": "Ort", "region": "Bundesland", "country": "Land", "gender": "Geschlecht",
        "birth_year": "Geburtsjahr", "attributes.lieblingsfarbe": "Lieblingsfarbe",
    }


def test_order_mapping_suggestions():
    mapping = suggestion_to_mapping(suggest_mapping("orders", ["Bestellnummer", "Kundennummer", "Bestelldatum",
                                                               "Umsatz", "Kanal"]))
    assert mapping == {"external_id": "Bestellnummer", "customer_external_id": "Kundennummer",
                       "ordered_at": "Bestelldatum", "amount": "Umsatz", "channel": "Kanal"}


def test_mapping_with_unknown_column_target_and_missing_required_field_is_refused():
    with pytest.raises(IngestError) as exc:
        compile_validator("feedback", ["Datum", "Text"], {"text": "Kommentar", "bogus": "Text"})
    codes = {e.code for e in exc.value.context["errors"]}
    assert codes == {E_UNKNOWN_COLUMN, E_UNKNOWN_TARGET, E_REQUIRED_COLUMN}
    missing = [e for e in exc.value.context["errors"] if e.code == E_REQUIRED_COLUMN]
    assert missing[0].field == "received_at"


def test_validator_reports_row_column_value_reason_and_code():
    v = compile_validator("feedback", ["Datum", "NPS", "CSAT", "Text"],
                          {"received_at": "Datum", "nps": "NPS", "csat": "CSAT", "text": "Text"})
    rec, errs = v(5, ["", "11", "0", "ok"])
    assert rec is None
    assert [(e.row, e.column, e.value, e.code) for e in errs] == [
        (5, "Datum", "", E_REQUIRED_VALUE), (5, "NPS", "11", E_OUT_OF_RANGE), (5, "CSAT", "0", E_OUT_OF_RANGE),
    ]
    _, errs = v(6, ["23.11.2026", "", "", ""])
    assert [(e.row, e.code) for e in errs] == [(6, E_NO_CONTENT)]


def test_validator_rejects_negative_amount_and_too_long_values():
    v = compile_validator("orders", ["K", "D", "B", "W"],
                          {"customer_external_id": "K", "ordered_at": "D", "amount": "B", "currency": "W"})
    _, errs = v(2, ["K1", "23.11.2026", "-5,00", "EURO"])
    assert [(e.column, e.code) for e in errs] == [("B", E_NEGATIVE_AMOUNT), ("W", E_TOO_LONG)]
    assert errs[0].reason.startswith("negative amount")


def test_safe_cell_neutralises_formulas():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("+1") == "'+1"
    assert safe_cell("-1") == "'-1"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("harmlos") == "harmlos"
