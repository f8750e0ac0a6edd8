"""PII detection and redaction: golden cases (positives and negatives per type, DE and EN), checksums,
offsets and speed. ``python -m resonanz.core.text.tests.test_pii`` (from ``src``) prints texts/s."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any

import pytest

from resonanz.core.registry import registry
from resonanz.core.text.base import TextInput
from resonanz.core.text.pii import PII_TYPES, PiiRedactor, PiiSpan, find_pii, redact

GOLDEN = Path(__file__).parent / "golden"
DATASETS = Path(__file__).resolve().parents[5].parent / "shared" / "datasets"


def _load(name: str) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in (GOLDEN / name).read_text(encoding="utf-8").splitlines() if line.strip()
    ]


@pytest.fixture(scope="module")
def redactor() -> PiiRedactor:
    return PiiRedactor()


@pytest.mark.parametrize("case", _load("pii.jsonl"), ids=lambda c: c["input"][:40])
def test_redaction_matches_golden(redactor: PiiRedactor, case: dict[str, Any]) -> None:
    got = redactor.analyse(case["input"])
    assert got.redacted == case["redacted"]
    assert [[s.type, s.text] for s in got.spans] == case["spans"]


def test_golden_file_covers_every_type_with_positives_and_negatives() -> None:
    cases = _load("pii.jsonl")
    found = {t for c in cases for t, _ in c["spans"]}
    assert found == set(PII_TYPES)
    negatives = [c for c in cases if not c["spans"]]
    assert len(negatives) >= 30


def test_spans_point_into_the_text(redactor: PiiRedactor) -> None:
    for case in _load("pii.jsonl"):
        for s in redactor.analyse(case["input"]).spans:
            assert case["input"][s.start : s.end] == s.text


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "AT61 1904 3002 3457 3201",
        "CH93 0076 2011 6238 5295 7",
        "NL91ABNA0417164300",
    ],
)
def test_valid_ibans_are_found(iban: str) -> None:
    assert [s.type for s in find_pii(f"IBAN: {iban}")] == ["IBAN"]


@pytest.mark.parametrize(
    "iban", ["DE89 3704 0044 0532 0130 01", "DE00 0000 0000 0000 0000 00", "AT61 1904 3002 3457 3202"]
)
def test_ibans_with_bad_checksum_are_not_redacted_as_anything(iban: str) -> None:
    assert find_pii(f"IBAN: {iban}") == []


@pytest.mark.parametrize("card", ["4111111111111111", "4012 8888 8888 1881", "5105-1051-0510-5100"])
def test_luhn_valid_cards_are_found(card: str) -> None:
    assert [s.type for s in find_pii(f"Karte {card} belastet")] == ["CARD"]


@pytest.mark.parametrize("number", ["4111111111111112", "1234 5678 9012 3456"])
def test_luhn_invalid_numbers_are_not_cards(number: str) -> None:
    assert "CARD" not in [s.type for s in find_pii(f"Nummer {number}")]


def test_types_filter_limits_detection() -> None:
    text = "Anna Schmidt, anna@example.com, +49 30 1234567"
    assert [s.type for s in PiiRedactor(types=["EMAIL"]).analyse(text).spans] == ["EMAIL"]
    with pytest.raises(ValueError):
        PiiRedactor(types=["SSN"])


def test_redact_replaces_spans_with_typed_placeholders() -> None:
    text = "a@b.de und c@d.de"
    spans = [PiiSpan("EMAIL", 0, 6, "a@b.de"), PiiSpan("EMAIL", 11, 17, "c@d.de")]
    assert redact(text, spans) == "[EMAIL] und [EMAIL]"


def test_component_is_registered_and_batches() -> None:
    comp = registry.get("pii.rules-de-en.v1")()
    assert comp.name == "pii.rules-de-en.v1"
    out = comp.predict([TextInput("1", "Mail: x@y.de"), TextInput("2", None), TextInput("3", "")])
    assert [r.redacted for r in out] == ["Mail: [EMAIL]", "", ""]
    assert out[0].types == ["EMAIL"]


def test_pii_is_much_faster_than_1000_texts_per_second(redactor: PiiRedactor) -> None:
    texts = [c["input"] for c in _load("pii.jsonl")] * 30
    rate = 0.0
    for _ in range(3):  # best of three: the machine may be busy
        t0 = time.perf_counter()
        redactor.analyse_texts(texts)
        rate = max(rate, len(texts) / (time.perf_counter() - t0))
    assert rate > 3_000, rate


def test_long_text_is_handled_quickly(redactor: PiiRedactor) -> None:
    text = ("Herr Müller wohnt in der Hauptstraße 12, 10115 Berlin, Tel. 030 1234567. " * 70)[:5000]
    t0 = time.perf_counter()
    got = redactor.analyse(text)
    assert time.perf_counter() - t0 < 0.1
    assert {"NAME", "ADDRESS", "PHONE"} <= set(got.types)


def main() -> None:
    red = PiiRedactor()
    sets: list[tuple[str, list[str]]] = [
        ("golden pii.jsonl x50", [c["input"] for c in _load("pii.jsonl")] * 50)
    ]
    csv.field_size_limit(10**8)
    if (DATASETS / "sb10k" / "dev.tsv").exists():
        with (DATASETS / "sb10k" / "dev.tsv").open(newline="", encoding="utf-8") as f:
            sets.append(
                (
                    "sb10k dev",
                    [r[2] for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if len(r) > 2],
                )
            )
    if (DATASETS / "germeval2017" / "dev.tsv").exists():
        with (DATASETS / "germeval2017" / "dev.tsv").open(newline="", encoding="utf-8") as f:
            rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            sets.append(("germeval2017 dev (cut to 5000 chars)", [r[1][:5000] for r in rows if len(r) > 1]))
    if (DATASETS / "airline_tweets" / "train.csv").exists():
        with (DATASETS / "airline_tweets" / "train.csv").open(newline="", encoding="utf-8") as f:
            sets.append(("airline_tweets", [r["text"] for r in csv.DictReader(f)]))
    for name, texts in sets:
        t0 = time.process_time()
        res = red.analyse_texts(texts)
        dt = time.process_time() - t0
        counts: dict[str, int] = {}
        for r in res:
            for s in r.spans:
                counts[s.type] = counts.get(s.type, 0) + 1
        print(f"{name}: n={len(texts)} {len(texts) / dt:,.0f} texts per CPU-s spans={counts}")


if __name__ == "__main__":
    main()
