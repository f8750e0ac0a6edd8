"""Clause split and aspect sentiment on mixed texts."""

from __future__ import annotations

from typing import Any

import numpy as np
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


def test_span_and_reencode_paths_both_separate_the_aspects(pipeline: Any) -> None:
    from resonanz.core.text.aspects import NAME, NAME_REENCODE
    from resonanz.core.text.pipeline import Pipeline, PipelineConfig

    if not getattr(pipeline.embedder, "has_token_states", False):
        pytest.skip("token states need the ONNX embedder")
    assert pipeline.aspects.name == NAME == "aspects.clause-split.v2"
    old = Pipeline(PipelineConfig(signals=False, aspect_clause_vectors="encode"), embedder=pipeline.embedder)
    assert old.aspects.name == NAME_REENCODE == "aspects.clause-split.v1"
    batch = [TextInput(str(i), t) for i, (t, _, _) in enumerate(MIXED)]
    for pipe in (pipeline, old):
        before = (pipe.aspects.clauses_encoded, pipe.aspects.clauses_pooled)
        for r in pipe.analyze(batch):
            assert r.components["aspects"] == pipe.aspects.name
            assert _topic_sentiment(r.topics, "delivery") == "negative", r.topics
        encoded = pipe.aspects.clauses_encoded - before[0]
        pooled = pipe.aspects.clauses_pooled - before[1]
        assert (encoded, pooled) == ((0, 4) if pipe is pipeline else (4, 0))


def test_span_path_needs_token_states_and_the_config_is_checked() -> None:
    from resonanz.core.errors import TextAnalysisError
    from resonanz.core.text.aspects import AspectSentiment
    from resonanz.core.text.base import TopicHit
    from resonanz.core.text.pipeline import Pipeline, PipelineConfig

    asp = AspectSentiment(lambda texts: np.zeros((len(texts), 384), np.float32),
                          lambda texts, X: np.full((len(texts), 2), 0.9), lambda texts, X, langs: np.ones((len(texts), 3)) / 3,
                          ["a", "b"], lambda k: k)
    text = "The first part was great, but the second part was awful."
    hits = [[TopicHit("a", 0.9), TopicHit("b", 0.8)]]
    with pytest.raises(TextAnalysisError) as err:
        asp.apply([text], hits, np.array([[0.2, 0.3, 0.5]]), ["en"])
    assert err.value.code == "E231"
    asp.reencode = True
    assert len(asp.apply([text], hits, np.array([[0.2, 0.3, 0.5]]), ["en"])[0]) == 2
    assert asp.clauses_encoded == 2
    with pytest.raises(TextAnalysisError):
        Pipeline(PipelineConfig(aspect_clause_vectors="tokens"))
