"""Behaviour of the taxonomy and the topic model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from resonanz.core.errors import TextAnalysisError
from resonanz.core.text.taxonomy import Taxonomy, Topic
from resonanz.core.text.tests.test_sentiment import get_test_embedder
from resonanz.core.text.topics import TopicModel

TOPICS = [
    ("Mein Paket ist nach zehn Tagen immer noch nicht angekommen.", "delivery"),
    ("Der Versand dauerte ewig.", "delivery"),
    ("The courier threw the parcel over the fence.", "delivery"),
    ("Shipping took almost three weeks.", "delivery"),
    ("Die Nähte lösen sich schon nach dem ersten Waschen.", "product_quality"),
    ("The zipper broke the first time I used it.", "product_quality"),
    ("Für den Preis erwarte ich deutlich mehr.", "price_value"),
    ("Way overpriced compared to other shops.", "price_value"),
    ("Die Hotline hat mich dreimal weiterverbunden und niemand konnte helfen.", "customer_service"),
    ("The support team answered my email within an hour.", "customer_service"),
    ("Ich habe die Schuhe zurückgeschickt und warte seit Wochen auf die Erstattung.", "returns_refunds"),
    ("My refund still hasn't been processed.", "returns_refunds"),
    ("Die App stürzt beim Öffnen des Warenkorbs ab.", "website_app"),
    ("Your website is so slow I gave up ordering.", "website_app"),
    ("Die Rechnung enthält einen Artikel, den ich nie bekommen habe.", "payment_billing"),
    ("My credit card was charged twice for one order.", "payment_billing"),
    ("Die Sneaker sind in meiner Größe nie vorrätig.", "availability"),
    ("Everything I want is always out of stock.", "availability"),
    ("Die Mitarbeiterin im Laden hat sich viel Zeit für die Beratung genommen.", "advice_staff"),
    ("The sales assistant recommended exactly the right product.", "advice_staff"),
    ("Die Filiale war unordentlich und es gab nur eine offene Kasse.", "store_experience"),
    ("The shop was clean and nicely decorated.", "store_experience"),
    ("Warum muss jedes T-Shirt einzeln in Plastik verpackt sein?", "sustainability"),
    ("I like that you use recycled packaging.", "sustainability"),
    ("Ich bekomme jeden Tag drei Werbemails von euch.", "communication"),
    ("I unsubscribed from the newsletter but still get emails.", "communication"),
]


@pytest.fixture(scope="session")
def embedder() -> Any:
    return get_test_embedder()


@pytest.fixture(scope="session")
def topic_vectors(embedder: Any) -> np.ndarray:
    return embedder.encode([t for t, _ in TOPICS])


def test_default_taxonomy_has_the_cx_topics_with_bilingual_texts() -> None:
    tax = Taxonomy.load()
    roots = {t.key for t in tax.roots()}
    assert {"delivery", "product_quality", "price_value", "customer_service", "returns_refunds", "website_app",
            "payment_billing", "availability", "advice_staff", "store_experience", "sustainability",
            "communication"} <= roots
    assert {c.key for c in tax.children("delivery")} == {"delivery.delay", "delivery.damaged", "delivery.tracking"}
    for t in tax:
        assert t.name["de"] and t.name["en"] and t.description["de"] and t.description["en"]
        assert t.examples["de"] and t.examples["en"]
    assert tax.path("delivery.delay", "de") == "Lieferung / Lieferverzögerung"


def test_taxonomy_edit_roundtrip_and_merge(tmp_path: Path) -> None:
    tax = Taxonomy.load()
    tax.add({"key": "loyalty", "name": {"de": "Kundenkarte", "en": "Loyalty card"},
             "description": "Bonusprogramm und Kundenkarte", "examples": {"de": ["Punkte fehlen"], "en": ["Points missing"]}})
    tax.update("loyalty", name={"de": "Bonusprogramm", "en": "Loyalty programme"})
    tax.add_examples("loyalty", "de", ["Meine Punkte wurden nicht gutgeschrieben"])
    tax.merge_topics("delivery.tracking", into="delivery")
    assert "delivery.tracking" not in tax
    assert "Ich habe keine Trackingnummer bekommen." in tax["delivery"].examples["de"]
    tax.remove("customer_service")  # children move up to the root
    assert tax["customer_service.friendliness"].parent is None
    with pytest.raises(TextAnalysisError) as exc:
        tax.add(Topic("x", parent="nope"))
    assert exc.value.code == "E222"
    assert "x" not in tax
    path = tmp_path / "tax.json"
    tax.save(path)
    again = Taxonomy.load(path)
    assert again.keys == tax.keys and again["loyalty"].label("en") == "Loyalty programme"
    merged = Taxonomy.load().merge(Taxonomy([Topic("delivery", name={"de": "Versand", "en": "Shipping"}), Topic("new")]))
    assert merged["delivery"].label("de") == "Versand" and "new" in merged and "delivery.delay" in merged


def test_taxonomy_rejects_cycles() -> None:
    tax = Taxonomy([Topic("a"), Topic("b", parent="a")])
    with pytest.raises(TextAnalysisError) as exc:
        tax.update("a", parent="b")
    assert exc.value.code == "E223"
    assert tax["a"].parent is None


def test_zero_shot_topics_find_the_main_topic(embedder: Any, topic_vectors: np.ndarray) -> None:
    tm = TopicModel(embedder=embedder)
    hits = tm.predict([t for t, _ in TOPICS], topic_vectors)
    found = [g in {h.name for h in hs} for (t, g), hs in zip(TOPICS, hits, strict=True)]
    assert sum(found) / len(found) >= 0.8, [t for (t, _), f in zip(TOPICS, found, strict=True) if not f]
    assert all(0 <= h.score <= 1 for hs in hits for h in hs)
    assert np.mean([len(hs) for hs in hits]) <= 4


def test_subtopic_hit_implies_parent(embedder: Any) -> None:
    tm = TopicModel(embedder=embedder)
    texts = ["Die Lieferung kam zwei Wochen zu spät."]
    hits = {h.name: h.score for h in tm.predict(texts, embedder.encode(texts))[0]}
    assert "delivery.delay" in hits and hits["delivery"] >= hits["delivery.delay"]


def test_learned_head_overrides_zero_shot_and_roundtrips(embedder: Any, topic_vectors: np.ndarray, tmp_path: Path) -> None:
    texts = [t for t, _ in TOPICS] * 3
    labels = [["vip"] if g == "delivery" else [g] for _, g in TOPICS] * 3
    X = np.vstack([topic_vectors] * 3)
    tm = TopicModel(embedder=embedder).fit(texts, labels, X, use_chars=False)
    assert tm.name == "topics.e5-head.v1" and "vip" in tm.taxonomy
    hits = tm.predict(texts[:4], X[:4])
    assert all("vip" in {h.name for h in hs} for hs in hits)
    tm.save(tmp_path / "tm")
    again = TopicModel.load(tmp_path / "tm", embedder)
    assert again.name == "topics.e5-head.v1"
    np.testing.assert_allclose(again.scores(texts[:4], X[:4]), tm.scores(texts[:4], X[:4]), atol=1e-3)
