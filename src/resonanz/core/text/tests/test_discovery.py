"""Discovery finds a planted cluster among unrelated feedback."""

from __future__ import annotations

from typing import Any

import numpy as np

from resonanz.core.text.discovery import c_tf_idf, center_by_language, discover
from resonanz.core.text.tests.test_sentiment import get_test_embedder

PLANTED = [
    "Die Parkplätze vor der Filiale sind immer belegt.",
    "Man findet nie einen Parkplatz am Markt.",
    "Parkplatz zu klein, ständig voll.",
    "Parken am Laden ist eine Katastrophe, keine freien Parkplätze.",
    "Es gibt viel zu wenige Parkplätze beim Geschäft.",
    "Parking at the store is impossible, the lot is always full.",
    "There are never any free parking spaces near the shop.",
    "The parking lot is way too small.",
]
OTHER = [
    "Die Jacke ist sehr warm.", "Bestellung kam pünktlich.", "Der Preis ist okay.", "Tolle Farben.",
    "Die App ist übersichtlich.", "Newsletter bitte seltener.", "Great shoes, very comfortable.",
    "The invoice was wrong.", "Fast delivery, thanks.", "The sweater shrank after washing.",
    "Die Hotline war freundlich.", "Refund took ages.", "Nice colours and good fit.",
    "Ich zahle gern mit PayPal.", "Website crashed at checkout.", "Love the new collection.",
]


def test_ctfidf_labels_name_the_cluster_words() -> None:
    terms = c_tf_idf([["Parkplatz voll", "kein Parkplatz frei", "Parkplatz zu klein"], ["Lieferung spät", "späte Lieferung"]])
    assert terms[0][0].startswith("parkplatz") and terms[1][0].startswith("lieferung")


def test_center_by_language_removes_language_means() -> None:
    X = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
    Z = center_by_language(X, ["de", "de", "de", "en", "en", "en"])
    np.testing.assert_allclose(np.linalg.norm(Z, axis=1), 1, atol=1e-5)


def test_discovery_finds_the_planted_parking_cluster() -> None:
    emb: Any = get_test_embedder()
    texts = PLANTED + OTHER
    langs = ["de"] * 5 + ["en"] * 3 + ["de", "de", "de", "de", "de", "de", "en", "en", "en", "en", "de", "en",
                                       "en", "de", "en", "en"]
    X = emb.encode(texts)
    sent = [-0.6] * len(PLANTED) + [0.3] * len(OTHER)
    topics = discover(texts, X, languages=langs, sentiment_scores=sent, min_size=3, seed=1)
    assert topics
    best = max(topics, key=lambda t: len(set(t.member_indices) & set(range(len(PLANTED)))) / max(1, t.size))
    planted = set(best.member_indices) & set(range(len(PLANTED)))
    assert len(planted) >= 6, best
    assert len(planted) / best.size >= 0.6, best
    assert any(t.startswith("park") for t in best.terms), best.terms
    assert best.quotes and best.mean_sentiment is not None and best.mean_sentiment < 0
