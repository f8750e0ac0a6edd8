"""Clause split and aspect sentiment on mixed texts."""

from __future__ import annotations

from typing import Any

import pytest

from resonanz.core.text.aspects import split_clauses
from resonanz.core.text.base import TextInput
from resonanz.core.text.tests.test_sentiment import get_test_embedder

MIXED = [
    ("Die Mitarbeiter im Laden waren super freundlich, aber die Lieferung kam zwei Wochen zu spät.",
     "advice_staff", "delivery"),
    ("The staff in the store were lovely, but the delivery was a disaster and arrived late.",
     "advice_staff", "delivery"),
]


def test_split_clauses_at_sentences_and_contrast_words() -> None:
    text = "Tolle Beratung im Laden. Die Lieferung war aber langsam, jedoch gut verpackt!"
    cl = [c.text for c in split_clauses(text)]
    assert cl == ["Tolle Beratung im Laden.", "Die Lieferung war aber langsam", "jedoch gut verpackt!"]
    for c in split_clauses(text):
        assert text[c.start:c.end] == c.text
    assert [c.text for c in split_clauses("Great food but slow service")] == ["Great food", "but slow service"]
    assert split_clauses("   ") == []
    assert len(split_clauses("Gut, aber")) == 1  # fragments too short to stand alone are glued


@pytest.fixture(scope="module")
def pipeline() -> Any:
    from resonanz.core.text.pipeline import Pipeline, PipelineConfig

    return Pipeline(PipelineConfig(signals=False), embedder=get_test_embedder())


def _topic_sentiment(hits: list[Any], root: str) -> str | None:
    for h in hits:
        if h.name == root or h.name.startswith(root + "."):
            return h.sentiment
    return None


def test_mixed_text_gets_different_aspect_sentiments(pipeline: Any) -> None:
    res = pipeline.analyze([TextInput(str(i), t) for i, (t, _, _) in enumerate(MIXED)])
    for r, (text, _pos_topic, neg_topic) in zip(res, MIXED, strict=True):
        names = {h.name for h in r.topics}
        assert any(n.startswith("delivery") for n in names), (text, names)
        assert _topic_sentiment(r.topics, neg_topic) == "negative", (text, r.topics)
        staff = [h for h in r.topics if h.name.split(".")[0] in ("advice_staff", "customer_service", "store_experience")]
        assert staff, (text, r.topics)
        assert any(h.sentiment == "positive" for h in staff), (text, r.topics)
