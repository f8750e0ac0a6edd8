"""Feedback texts read like real customers: varied, mixed, noisy, with some PII and hostile inputs."""

from __future__ import annotations

import re
from collections import Counter
from statistics import mean

from resonanz.demo.tests._data import world


def test_texts_are_varied():
    texts = [f.text for f in world().feedback if len(f.text) > 30]
    assert len(texts) > 5000
    assert len(set(texts)) / len(texts) >= 0.8


def test_short_long_and_mixed_texts_exist():
    fb = [f for f in world().feedback if f.text]
    assert sum(len(f.text) < 25 for f in fb) > 300
    assert sum(len(re.findall(r"[.!?]", f.text)) >= 4 for f in fb) > 300
    mixed = [f for f in fb if f.properties["demo_sentiment"] == "mixed"]
    assert len(mixed) > 500
    assert any(" aber " in f.text for f in mixed) and any(", but " in f.text for f in mixed)


def test_texts_have_noise_like_real_writing():
    fb = [f.text for f in world().feedback if f.text]
    assert sum(t == t.lower() and len(t) > 30 for t in fb) > 100
    assert sum(bool(re.search(r"[\U0001F300-\U0001FAFF]", t)) for t in fb) > 200
    assert sum(bool(re.search(r"\b(fuer|ueberhaupt|schoen|groesse|zurueck|Rueck|Qualitaet)", t)) for t in fb) > 20


def test_some_texts_contain_pii_that_the_ground_truth_names():
    d = world()
    by_id = {c.external_id: c for c in d.customers}
    pii = [f for f in d.feedback if f.properties.get("demo_pii")]
    kinds = Counter(k for f in pii for k in f.properties["demo_pii"])
    assert {"PHONE", "EMAIL", "ORDER", "NAME"} <= set(kinds)
    for f in pii:
        c = by_id.get(f.customer)
        if c is None:
            continue
        low = f.text.lower()
        if "PHONE" in f.properties["demo_pii"]:
            assert c.phone.lower() in low
        if "EMAIL" in f.properties["demo_pii"]:
            assert c.email.lower() in low
    assert any(re.search(r"\b(Frau|Herr) [A-ZÄÖÜ][a-zäöü]+ hat mir", f.text) for f in d.feedback)


def test_hostile_inputs_are_present_exactly_once():
    texts = [f.text for f in world().feedback]
    assert sum("<script>alert(1)</script>" in t for t in texts) == 1
    assert sum(t.startswith("=HYPERLINK(") for t in texts) == 1


def test_scores_agree_with_text_sentiment():
    fb = [f for f in world().feedback if f.text]

    def avg(attr, sentiment):
        return mean(getattr(f, attr) for f in fb if getattr(f, attr) is not None and f.properties["demo_sentiment"] == sentiment)

    assert avg("nps", "positive") > avg("nps", "neutral") > avg("nps", "negative") + 2
    assert avg("nps", "positive") > avg("nps", "mixed") > avg("nps", "negative") + 1
    assert avg("rating", "positive") > avg("rating", "negative") + 1.5
    assert avg("csat", "positive") > avg("csat", "negative") + 1.5
    assert avg("ces", "positive") > avg("ces", "negative") + 1.5
