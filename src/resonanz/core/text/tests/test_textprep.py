"""Input normalisation: golden files for textprep and for edge cases through all text-rule components."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from resonanz.core.registry import registry
from resonanz.core.text.base import TextInput
from resonanz.core.text.textprep import DEFAULT_MAX_CHARS, Prepared, TextPrep, prepare, repair_mojibake

GOLDEN = Path(__file__).parent / "golden"


def _load(name: str) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in (GOLDEN / name).read_text(encoding="utf-8").splitlines() if line.strip()
    ]


@pytest.mark.parametrize("case", _load("textprep.jsonl"), ids=lambda c: c["name"])
def test_prepare_matches_golden(case: dict[str, Any]) -> None:
    got = prepare(case["input"], max_chars=case.get("max_chars", DEFAULT_MAX_CHARS))
    for key, want in case["expected"].items():
        assert getattr(got, key) == want, key


@pytest.mark.parametrize("raw", [None, "", "   ", "\n\t\r\n", "\u00a0\u200b"])
def test_prepare_returns_empty_for_missing_or_blank_input(raw: str | None) -> None:
    got = prepare(raw)
    assert got.text == "" and got.is_empty and not got.truncated


def test_prepare_keeps_emoji_only_text() -> None:
    assert prepare(" 😀🎉 ").text == "😀🎉"


def test_prepare_1mb_text_is_fast_and_truncated() -> None:
    big = "Die Lieferung war zu spät und die Jacke ist kaputt. " * 20_000  # ~1 MB
    t0 = time.perf_counter()
    got = prepare(big)
    elapsed = time.perf_counter() - t0
    assert got.truncated
    assert 0 < len(got.text) <= DEFAULT_MAX_CHARS
    assert got.original_chars == len(big)
    assert elapsed < 0.5


def test_prepare_1mb_html_is_fast() -> None:
    big = "<p>Die Lieferung war <b>zu spät</b> &amp; FÃ¼r</p>" * 20_000
    t0 = time.perf_counter()
    got = prepare(big)
    assert time.perf_counter() - t0 < 1.0
    assert got.was_html and got.truncated and got.repaired_encoding
    assert "<" not in got.text and got.text.startswith("Die Lieferung war zu spät & Für")


def test_prepare_is_idempotent() -> None:
    for case in _load("textprep.jsonl") + _load("edge_cases.jsonl"):
        once = prepare(case["input"])
        assert prepare(once.text).text == once.text


def test_repair_mojibake_leaves_clean_text_alone() -> None:
    for text in ["Grüße aus Köln", "Ärger über Öl", "naïve café", "„Zitat“ – ok", "x ± y °C"]:
        assert repair_mojibake(text) == (text, False)


def test_textprep_component_is_registered_and_batches() -> None:
    comp = registry.get("textprep.html-mojibake-nfc.v1")(max_chars=10)
    assert isinstance(comp, TextPrep) and comp.name == "textprep.html-mojibake-nfc.v1"
    out = comp.predict([TextInput("1", "<b>Hallo</b> Welt, wie geht es"), TextInput("2", None)])
    assert [type(p) for p in out] == [Prepared, Prepared]
    assert out[0].truncated and len(out[0].text) <= 10 and out[1].text == ""


def test_textprep_rejects_nonpositive_max_chars() -> None:
    with pytest.raises(ValueError):
        prepare("x", max_chars=0)


@pytest.mark.parametrize("case", _load("edge_cases.jsonl"), ids=lambda c: c["name"])
def test_edge_case_through_all_rule_components(case: dict[str, Any]) -> None:
    """Given an edge-case input, when prepared and analysed by language, PII and signals, then each
    component gives the golden answer (keys set to null in the golden file are not checked)."""
    from resonanz.core.text.language import LanguageDetector
    from resonanz.core.text.pii import PiiRedactor
    from resonanz.core.text.signals import SignalAnalyzer

    prepared = prepare(case["input"])
    lang = LanguageDetector(account_default="de").detect_one(prepared.text, case.get("default_language"))
    pii = PiiRedactor().analyse(prepared.text)
    signals = SignalAnalyzer().predict([TextInput(case["name"], prepared.text)], [lang.language])[0]

    assert prepared.text == case["text"]
    for key in ("was_html", "repaired_encoding"):
        if key in case:
            assert getattr(prepared, key) == case[key]
    if case.get("language") is not None:
        assert lang.language == case["language"]
    if case.get("detected") is not None:
        assert lang.detected == case["detected"]
    assert pii.types == case["pii"]
    assert signals.intent == case["intent"]
    if case.get("urgent") is not None:
        assert signals.urgent == case["urgent"]


def main() -> None:
    """textprep + language + PII + signals over the shared data sets, texts per CPU-second per stage."""
    import csv

    from resonanz.core.text.language import LanguageDetector
    from resonanz.core.text.pii import PiiRedactor
    from resonanz.core.text.signals import SignalAnalyzer

    datasets = Path(__file__).resolve().parents[5].parent / "shared" / "datasets"
    csv.field_size_limit(10**8)
    sets: list[tuple[str, list[str]]] = []
    if (datasets / "airline_tweets" / "train.csv").exists():
        with (datasets / "airline_tweets" / "train.csv").open(newline="", encoding="utf-8") as f:
            sets.append(("airline_tweets", [r["text"] for r in csv.DictReader(f)]))
    if (datasets / "germeval2017" / "dev.tsv").exists():
        with (datasets / "germeval2017" / "dev.tsv").open(newline="", encoding="utf-8") as f:
            rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            sets.append(("germeval2017 dev", [r[1] for r in rows if len(r) > 1]))
    prep, lang, pii, sig = TextPrep(), LanguageDetector(), PiiRedactor(), SignalAnalyzer()
    for name, texts in sets:
        batch = [TextInput(str(i), t) for i, t in enumerate(texts)]
        t0 = time.process_time()
        prepared = prep.predict(batch)
        t1 = time.process_time()
        langs = [lang.detect_one(p.text) for p in prepared]
        t2 = time.process_time()
        red = [pii.analyse(p.text) for p in prepared]
        t3 = time.process_time()
        sig.predict(
            [TextInput(b.id, r.redacted) for b, r in zip(batch, red, strict=True)],
            [x.language for x in langs],
        )
        t4 = time.process_time()
        n = len(texts)
        print(
            f"{name}: n={n} per CPU-second: textprep {n / (t1 - t0):,.0f}, language {n / (t2 - t1):,.0f}, "
            f"pii {n / (t3 - t2):,.0f}, signals {n / (t4 - t3):,.0f}, all four {n / (t4 - t0):,.0f}"
        )


if __name__ == "__main__":
    main()
