"""Behaviour of document sentiment (prototypes + lexicon, shipped head)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest

from resonanz.core.text import sentiment as s

SENTIMENT = [
    ("Vielen Dank, der Kundenservice war unglaublich hilfsbereit und schnell!", "positive"),
    ("Ich bin total begeistert von der Jacke, Qualität top.", "positive"),
    ("Alles bestens gelaufen, gerne wieder.", "positive"),
    ("Absolut enttäuschend, die Ware kam kaputt an und keiner meldet sich.", "negative"),
    ("Seit drei Wochen warte ich auf mein Geld, das ist eine Frechheit.", "negative"),
    ("Die Verkäuferin war unfreundlich und hatte keine Ahnung.", "negative"),
    ("Ich habe am Montag zwei Hemden in Größe L bestellt.", "neutral"),
    ("Wann öffnet die Filiale in der Königstraße?", "neutral"),
    ("Thank you so much, the support agent was fantastic and solved everything.", "positive"),
    ("Great quality and the delivery was super quick, very happy!", "positive"),
    ("Worst purchase ever, it fell apart after one day.", "negative"),
    ("I have called four times and nobody can help me, this is ridiculous.", "negative"),
    ("I placed an order for two shirts on Monday.", "neutral"),
    ("What time does the store on Main Street open?", "neutral"),
]
LANGS = ["de"] * 8 + ["en"] * 6


def embedder_kind() -> str:
    """The encoder the NLP tests use: RESONANZ_TEST_EMBEDDER, else ONNX when already built, else the engine."""
    kind = os.environ.get("RESONANZ_TEST_EMBEDDER")
    if kind:
        return kind
    from resonanz.core.text._e5 import build

    try:
        return "onnx" if build.cached_model_path().is_file() else "engine"
    except Exception:  # noqa: BLE001
        return "engine"


def get_test_embedder() -> Any:
    from resonanz.core.text.embed import get_embedder

    return get_embedder(embedder_kind())


@pytest.fixture(scope="session")
def embedder() -> Any:
    return get_test_embedder()


@pytest.fixture(scope="session")
def golden_vectors(embedder: Any) -> np.ndarray:
    return embedder.encode([t for t, _ in SENTIMENT])


def test_german_lexicon_handles_negation_and_contrast() -> None:
    assert s.german_lexicon_score("Die Lieferung war gut.")[0] > 0.2
    assert s.german_lexicon_score("Die Lieferung war nicht gut.")[0] < 0
    assert s.german_lexicon_score("Nicht schlecht.")[0] > 0
    assert s.german_lexicon_score("Leider viel zu teuer.")[0] < -0.3
    # after "aber" the evidence counts more
    assert s.german_lexicon_score("Das Essen war lecker, aber der Service war unfreundlich.")[0] < 0
    assert s.german_lexicon_score("Ich habe eine Frage zur Rechnung.")[0] == 0.0


def test_lexical_features_use_vader_for_english() -> None:
    f = s.lexical_features(["I love it", "Ich liebe es", ""], ["en", "de", None])
    assert f.shape == (3, 3)
    assert f[0, 0] > 0.3 and f[1, 0] > 0.3 and f[2].tolist() == [0, 0, 0]


def test_prototype_model_classifies_clear_sentences(embedder: Any, golden_vectors: np.ndarray) -> None:
    model = s.ProtoSentiment(embedder)
    res = model.predict([t for t, _ in SENTIMENT], golden_vectors, LANGS)
    wrong = [(t, g, r.label) for (t, g), r in zip(SENTIMENT, res, strict=True) if r.label != g]
    assert len(wrong) <= 1, wrong
    assert all(-1 <= r.score <= 1 for r in res)


@pytest.mark.skipif(not s.head_available(), reason="shipped head weights not built")
def test_shipped_head_classifies_clear_sentences(golden_vectors: np.ndarray) -> None:
    model = s.HeadSentiment()
    res = model.predict([t for t, _ in SENTIMENT], golden_vectors, LANGS)
    wrong = [(t, g, r.label) for (t, g), r in zip(SENTIMENT, res, strict=True) if r.label != g]
    assert len(wrong) <= 2, wrong
    pos = [r.score for (t, g), r in zip(SENTIMENT, res, strict=True) if g == "positive"]
    neg = [r.score for (t, g), r in zip(SENTIMENT, res, strict=True) if g == "negative"]
    assert min(pos) > max(neg)


def test_shipped_weights_have_metadata_with_licences() -> None:
    if not s.head_available():
        pytest.skip("shipped head weights not built")
    import json

    meta = json.loads(s.HEAD_PATH.with_suffix(".json").read_text())
    assert meta["component"] == s.HEAD_NAME
    assert set(meta["licences"]) >= {"uci_sentences", "mams_acsa", "self-written"}


SOCIAL = [  # informal register (not training sentences): neutral questions/news, irony, short praise
    ("@stadtwerke Fährt die Linie 4 am Feiertag nach dem Sonntagsfahrplan?", "neutral"),
    ("Verkehrsverbund stellt neuen Netzplan für 2027 vor http://t.co/netz", "neutral"),
    ("@shopsupport do you ship to Norway?", "neutral"),
    ("Super, schon wieder 50 Minuten Verspätung. Danke auch 🙄", "negative"),
    ("Three hours on hold and then the line dropped. Great service, really.", "negative"),
    ("Danke für die schnelle Hilfe, alles wieder gut 😊", "positive"),
]


@pytest.mark.skipif(not s.head_available(), reason="shipped head weights not built")
def test_ensemble_handles_informal_feedback(embedder: Any) -> None:
    texts = [t for t, _ in SOCIAL]
    langs = ["de", "de", "en", "de", "en", "de"]
    res = s.EnsembleSentiment(embedder).predict(texts, embedder.encode(texts), langs)
    wrong = [(t, g, r.label) for (t, g), r in zip(SOCIAL, res, strict=True) if r.label != g]
    assert len(wrong) <= 1, wrong
    assert s.EnsembleSentiment.name == s.ENSEMBLE_NAME and s.ENSEMBLE_NAME.endswith(".v3")
