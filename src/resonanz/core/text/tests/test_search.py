"""Semantic search (cross-lingual) and theme summaries."""

from __future__ import annotations

from typing import Any

import numpy as np

from resonanz.core.text.base import TextAnalysis, TopicHit
from resonanz.core.text.search import SemanticIndex, theme_summary, top_k
from resonanz.core.text.tests.test_sentiment import get_test_embedder

DOCS = [
    "The parcel arrived two weeks late.",
    "The cashier was very rude to me.",
    "I love the soft fabric of this sweater.",
    "Die Rückerstattung dauert schon einen Monat.",
    "Die App stürzt beim Bezahlen ab.",
    "Der Kundenservice war sehr freundlich.",
]


def test_top_k_is_chunked_and_matches_brute_force() -> None:
    rng = np.random.default_rng(0)
    M = rng.normal(size=(10_003, 16)).astype(np.float32)
    M /= np.linalg.norm(M, axis=1, keepdims=True)
    q = M[1234]
    hits = top_k(M.astype(np.float16), q, k=5, chunk=1000)
    ref = np.argsort(-(M @ q))[:5]
    assert [h.index for h in hits] == ref.tolist()
    assert hits[0].index == 1234
    mask = np.ones(len(M), bool)
    mask[1234] = False
    assert top_k(M, q, k=3, mask=mask)[0].index != 1234


def test_german_query_finds_english_feedback_and_vice_versa() -> None:
    emb: Any = get_test_embedder()
    idx = SemanticIndex(emb.encode(DOCS), ids=list(range(len(DOCS))), embedder=emb)
    assert idx.search("Paket kam viel zu spät", k=1)[0][0] == 0
    assert idx.search("Die Kassiererin war sehr unhöflich zu mir.", k=1)[0][0] == 1
    assert idx.search("refund takes forever", k=1)[0][0] == 3
    assert idx.search("app crashes when paying", k=1)[0][0] == 4


def test_theme_summary_counts_topics_with_sentiment_and_quotes() -> None:
    an = [TextAnalysis("1", sentiment="negative", topics=[TopicHit("delivery", 0.9, "negative", -0.8)]),
          TextAnalysis("2", sentiment="negative", topics=[TopicHit("delivery", 0.7, "negative", -0.6)]),
          TextAnalysis("3", sentiment="positive", topics=[TopicHit("advice_staff", 0.8, "positive", 0.7)])]
    texts = ["Paket zu spät", "Lieferung dauert", "Nette Beratung"]
    res = theme_summary(an, texts)
    assert res[0].topic == "delivery" and res[0].count == 2 and res[0].mean_sentiment == -0.7
    assert res[0].sentiment_counts == {"negative": 2} and res[0].quotes == ["Paket zu spät", "Lieferung dauert"]
