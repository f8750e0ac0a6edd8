"""The pipeline: order, empty texts, provenance, embeddings."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from resonanz.core.text.aspects import opinion_clauses
from resonanz.core.text.base import TextInput
from resonanz.core.text.embed import pack_int8_rows, unpack_int8_rows
from resonanz.core.text.pipeline import Pipeline, PipelineConfig, analysis_to_json
from resonanz.core.text.tests.test_sentiment import get_test_embedder


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(PipelineConfig(), embedder=get_test_embedder())


def test_pipeline_keeps_order_and_returns_nulls_for_empty_texts(pipeline: Pipeline) -> None:
    batch = [TextInput("a", "Super Beratung, vielen Dank!"), TextInput("b", "   "), TextInput("c", None),
             TextInput("d", "The app crashes every time I try to pay. Contact me: jane.doe@example.org")]
    res, E = pipeline.analyze_with_embeddings(batch)
    assert [r.id for r in res] == ["a", "b", "c", "d"]
    assert res[0].language == "de" and res[0].sentiment == "positive"
    for r in res[1:3]:
        assert r.language is None and r.sentiment is None and r.topics == [] and r.redacted_text is None
    assert res[3].language == "en" and res[3].sentiment == "negative" and "EMAIL" in res[3].pii
    assert "[EMAIL]" in (res[3].redacted_text or "")
    assert any(h.name.startswith("website_app") for h in res[3].topics)
    assert E.shape == (4, 384) and E.dtype == np.float32
    assert np.allclose(np.linalg.norm(E[[0, 3]], axis=1), 1, atol=1e-3) and not E[1].any()


def test_every_output_names_its_component(pipeline: Pipeline) -> None:
    r = pipeline.analyze([TextInput("x", "Die Lieferung kam kaputt an, ich will mein Geld zurück!")])[0]
    for kind in ("textprep", "language", "pii", "embed", "sentiment", "topics", "aspects"):
        assert kind in r.components, r.components
    assert r.components["sentiment"].startswith("sentiment.e5-")
    if pipeline.signals is not None:
        assert {"emotion", "intent", "urgency"} <= set(r.components)
        assert r.intent is not None


def test_analysis_json_shape(pipeline: Pipeline) -> None:
    r = pipeline.analyze([TextInput("7", "Tolle Qualität!")])[0]
    d = analysis_to_json(r)
    assert set(d) == {"id", "language", "sentiment", "topics", "emotions", "intent", "urgent", "pii", "redacted_text"}
    assert set(d["sentiment"]) == {"label", "score"} and -1 <= d["sentiment"]["score"] <= 1
    for t in d["topics"]:
        assert set(t) == {"name", "score", "sentiment"}


def test_user_classifier_replaces_sentiment(pipeline: Pipeline, tmp_path: Any, monkeypatch: Any) -> None:
    from resonanz.core.text.heads import train_classifier
    from resonanz.core.text.pipeline import classifier_path

    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path))
    emb: Any = get_test_embedder()
    texts = ["toll", "super gut", "prima Sache", "schlecht", "furchtbar", "miserabel"] * 2
    labels = ["pos", "pos", "pos", "neg", "neg", "neg"] * 2
    clf = train_classifier(texts, emb.encode(texts), labels, use_chars=True)
    clf.save(classifier_path("mini"))
    p = Pipeline(PipelineConfig(classifier="mini", signals=False), embedder=emb)
    r = p.analyze([TextInput("1", "super gut"), TextInput("2", "furchtbar")])
    assert [x.sentiment for x in r] == ["positive", "negative"]
    assert r[0].components["sentiment"] == "sentiment.custom-mini.v1"


def test_one_user_classifier_per_task_both_active(tmp_path: Any, monkeypatch: Any) -> None:
    from resonanz.core.errors import TextAnalysisError
    from resonanz.core.text.heads import train_classifier
    from resonanz.core.text.pipeline import classifier_path

    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path))
    emb: Any = get_test_embedder()
    texts = ["toll", "super gut", "prima Sache", "schlecht", "furchtbar", "miserabel"] * 2
    X = emb.encode(texts)
    train_classifier(texts, X, ["pos", "pos", "pos", "neg", "neg", "neg"] * 2).save(classifier_path("s1"))
    train_classifier(texts, X, ["pos", "pos", "pos", "neg", "neg", "neg"] * 2).save(classifier_path("s2"))
    topics = [["lob"], ["lob"], ["lob"], ["kritik"], ["kritik"], ["kritik"]] * 2
    train_classifier(texts, X, topics, task="topics", multi_label=True).save(classifier_path("t1"))
    p = Pipeline(PipelineConfig(classifiers=("s1", "t1"), signals=False), embedder=emb)
    r = p.analyze([TextInput("1", "super gut"), TextInput("2", "furchtbar")])
    assert r[0].components["sentiment"] == "sentiment.custom-s1.v1"
    assert r[0].components["topics"] == "topics.custom-t1.v1"
    assert [x.sentiment for x in r] == ["positive", "negative"]
    assert [t.name for t in r[0].topics] == ["lob"] and [t.name for t in r[1].topics] == ["kritik"]
    with pytest.raises(TextAnalysisError, match="two classifiers for the task 'sentiment'"):
        Pipeline(PipelineConfig(classifier="s1", classifiers=("s2",), signals=False), embedder=emb)


def test_refresh_from_embeddings_gives_what_analyze_gives_without_the_encoder(pipeline: Pipeline) -> None:
    texts = ["Die Lieferung kam drei Tage zu spät.", "Super freundliche Beratung im Laden!", "Alles bestens.",
             "The app keeps crashing when I pay.", "Preis und Leistung stimmen, die Jacke ist top.",
             "Die Lieferung kam zu spät, aber die Beratung im Laden war super freundlich.",
             "Refund took six weeks. Customer service never answered, and the price was too high anyway."]
    res, E = pipeline.analyze_with_embeddings([TextInput(str(i), t) for i, t in enumerate(texts)])
    red = [r.redacted_text or "" for r in res]
    langs = [r.language for r in res]
    calls: list[int] = []
    encode = pipeline.embedder.encode
    pipeline.embedder.encode = lambda *a, **k: calls.append(1) or encode(*a, **k)  # type: ignore[method-assign]
    try:
        kept = pipeline.refresh_from_embeddings(red, E.astype(np.float16), langs,
                                                [(r.sentiment, r.sentiment_score) for r in res])
        again = pipeline.refresh_from_embeddings(red, E, langs, [None] * len(res))  # sentiment recomputed
    finally:
        pipeline.embedder.encode = encode  # type: ignore[method-assign]
    assert calls == []  # no encoder pass
    assert sum(k is not None for k in kept) >= 5
    for r, k, a in zip(res, kept, again, strict=True):
        if k is None:
            assert a is None
            continue
        assert (k.sentiment, k.sentiment_score) == (r.sentiment, r.sentiment_score)
        assert (a.sentiment, a.sentiment_score) == (r.sentiment, r.sentiment_score)
        assert [(h.name, h.sentiment, h.sentiment_score) for h in k.topics] == [
            (h.name, h.sentiment, h.sentiment_score) for h in r.topics]
        assert all(abs(h.score - g.score) < 0.01 for h, g in zip(k.topics, r.topics, strict=True))
    # left to a full analysis: exactly the texts whose aspect step uses clause vectors there
    for i, t in enumerate(texts):
        before = pipeline.aspects.clause_steps
        pipeline.analyze([TextInput("x", t)])
        assert (pipeline.aspects.clause_steps > before) == (kept[i] is None), t
    assert any(k is None for k in kept)
    # ... unless their stored clause vectors are given: then every text is renewed, as analyze would
    res2, E2, V = pipeline.analyze_for_storage([TextInput(str(i), t) for i, t in enumerate(texts)])
    assert [r.topics for r in res2] == [r.topics for r in res] and np.allclose(E2, E)
    assert all((v is None) == (len(opinion_clauses(x)) < 2) for v, x in zip(V, red, strict=True))
    stored = [None if v is None else unpack_int8_rows(pack_int8_rows(v), 384) for v in V]  # as the product stores them
    assert all(s is None or (s.shape == v.shape and (np.sum(s * v, 1) / np.linalg.norm(s, axis=1) > 0.9999).all())
               for s, v in zip(stored, V, strict=True))
    full = pipeline.refresh_from_embeddings(red, E, langs, [(r.sentiment, r.sentiment_score) for r in res], stored)
    for r, f in zip(res, full, strict=True):
        assert f is not None
        assert [(h.name, h.sentiment) for h in f.topics] == [(h.name, h.sentiment) for h in r.topics]
        assert all(abs(h.sentiment_score - g.sentiment_score) < 0.02 for h, g in zip(f.topics, r.topics, strict=True))


def test_int8_rows_round_trip_and_refuse_malformed_bytes() -> None:
    rng = np.random.default_rng(0)
    M = rng.normal(size=(5, 384)).astype(np.float32)
    M /= np.linalg.norm(M, axis=1, keepdims=True)
    raw = pack_int8_rows(M)
    assert len(raw) == 5 * 386
    back = unpack_int8_rows(raw, 384)
    assert back is not None and back.shape == (5, 384)
    cos = np.sum(back * M, 1) / np.linalg.norm(back, axis=1)
    assert cos.min() > 0.9999
    assert unpack_int8_rows(b"", 384) is None and unpack_int8_rows(raw[:-1], 384) is None
    assert pack_int8_rows(np.zeros((0, 384))) == b""
