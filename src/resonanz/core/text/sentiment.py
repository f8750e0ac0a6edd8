"""Document sentiment: negative / neutral / positive with a score in [-1, 1].

Two registered components share lexical features and the e5 embedding computed once by the pipeline:

* ``sentiment.e5-proto.v1`` – zero-shot: cosine similarity to prototype sentences written in German and
  English (``data/sentiment_prototypes.json``), combined with lexical evidence: VADER for English and a
  small German lexicon with negation and intensifier handling (``data/lexicon_de.txt``, written for
  Resonanz).
* ``sentiment.e5-head.v3`` – a shipped multinomial logistic-regression head on ``[embedding, lexical
  features]``, trained only on permissively licensed data (UCI sentences CC BY 4.0, MAMS Apache-2.0) plus
  1,896 self-written sentences (prototypes + ``data/sentiment_train_own.json``: feedback, tweets, forum and
  news snippets in German and English); temperature-calibrated. Weights: ``weights/sentiment_e5_head_v3.npz``
  (+ ``.json`` metadata).
* ``sentiment.e5-ensemble.v3`` – the default: mostly the head, a little of the prototype model, a mild
  class-prior correction. Falls back to the prototype model when the weights are missing.

``score = p(positive) - p(negative)``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from resonanz.core.registry import registry
from resonanz.core.text.heads import SoftmaxHead, softmax

LABELS = ("negative", "neutral", "positive")
PROTO_NAME = "sentiment.e5-proto.v1"
HEAD_NAME = "sentiment.e5-head.v3"
ENSEMBLE_NAME = "sentiment.e5-ensemble.v3"
WEIGHTS_DIR = Path(__file__).with_name("weights")
HEAD_PATH = WEIGHTS_DIR / "sentiment_e5_head_v3.npz"
HEAD_C = 0.5  # L2 strength of the shipped head (inverse)
OWN_WEIGHT = 3.0  # sample weight of each self-written sentence (v2: 4.0 with 817 sentences; v3: 1,896)


@dataclass(frozen=True)
class SentimentResult:
    label: str
    score: float  # p(pos) - p(neg) in [-1, 1]
    probs: tuple[float, float, float]  # negative, neutral, positive


# --------------------------------------------------------------------------------------------------
# Lexical evidence
# --------------------------------------------------------------------------------------------------

_DE_NEG = frozenset(["nicht", "nichts", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals", "ohne", "weder", "kaum", "nirgends", "niemand"])
_DE_INT = {"sehr": 1.3, "extrem": 1.5, "total": 1.4, "echt": 1.2, "wirklich": 1.25, "absolut": 1.5,
           "völlig": 1.4, "voellig": 1.4, "äußerst": 1.5, "aeusserst": 1.5, "besonders": 1.3, "super": 1.3,
           "mega": 1.4, "richtig": 1.2, "ziemlich": 1.1, "so": 1.1, "mehr": 1.0, "unglaublich": 1.5,
           "höchst": 1.4, "etwas": 0.7, "bisschen": 0.7, "leicht": 0.8, "eher": 0.8}
_DE_CONTRAST = frozenset(["aber", "jedoch", "doch", "allerdings", "trotzdem", "dennoch", "leider", "nur"])
_WORD = re.compile(r"[a-zäöüß]+", re.IGNORECASE)
_TOO = re.compile(r"\b(?:zu|viel zu|too)\s+(?:teuer|spät|spaet|langsam|laut|klein|groß|gross|eng|weit|kurz|"
                  r"lang|wenig|dünn|kalt|warm|heiß|expensive|late|slow|small|big|loud|tight|short)\b", re.I)


@lru_cache(maxsize=1)
def _de_lexicon() -> tuple[dict[str, float], list[tuple[str, float]], dict[tuple[str, str], float]]:
    exact: dict[str, float] = {}
    stems: list[tuple[str, float]] = []
    bigrams: dict[tuple[str, str], float] = {}
    text = resources.files("resonanz.core.text").joinpath("data/lexicon_de.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, w = line.split("\t")
        val = float(w)
        if " " in word:
            a, b = word.split(" ", 1)
            bigrams[(a, b)] = val
        elif word.endswith("*"):
            stems.append((word[:-1], val))
        else:
            exact[word] = val
    stems.sort(key=lambda s: -len(s[0]))
    return exact, stems, bigrams


@lru_cache(maxsize=20000)
def _de_word(word: str) -> float:
    exact, stems, _ = _de_lexicon()
    if word in exact:
        return exact[word]
    for stem, val in stems:
        if word.startswith(stem):
            return val
    # un-/-los negation prefixes of known positive words: "unfreundlich" is listed, "unbequem" is not
    if word.startswith("un") and len(word) > 5:
        base = _de_word_base(word[2:])
        if base > 0:
            return -0.8 * base
    return 0.0


def _de_word_base(word: str) -> float:
    exact, stems, _ = _de_lexicon()
    if word in exact:
        return exact[word]
    for stem, val in stems:
        if word.startswith(stem):
            return val
    return 0.0


def german_lexicon_score(text: str) -> tuple[float, float, float]:
    """(compound in [-1, 1], positive mass, negative mass) for German text.

    Negators (nicht, kein, nie, ohne …) within three words before a sentiment word flip and damp it;
    intensifiers scale it; after a contrast word (aber, jedoch …) evidence counts 1.5×, before it 0.5×.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    _, _, bigrams = _de_lexicon()
    vals: list[float] = []
    contrast_at = -1
    for i, w in enumerate(words):
        if w in ("aber", "jedoch", "allerdings", "trotzdem", "dennoch"):
            contrast_at = i
    i = 0
    while i < len(words):
        w = words[i]
        v = 0.0
        step = 1
        if i + 1 < len(words) and (w, words[i + 1]) in bigrams:
            v = bigrams[(w, words[i + 1])]
            step = 2
        else:
            v = _de_word(w)
        if v:
            for j in range(max(0, i - 3), i):
                if words[j] in _DE_NEG:
                    v = -0.6 * v if v > 0 else -0.4 * v
                    break
            if i > 0 and words[i - 1] in _DE_INT:
                v *= _DE_INT[words[i - 1]]
            if contrast_at >= 0:
                v *= 1.5 if i > contrast_at else 0.5
        vals.append(v)
        i += step
    vals += [-1.6] * len(_TOO.findall(text))
    excl = min(text.count("!"), 3) * 0.15
    s = sum(vals)
    if s:
        s += excl if s > 0 else -excl
    compound = s / math.sqrt(s * s + 15.0)
    pos = sum(v for v in vals if v > 0)
    neg = -sum(v for v in vals if v < 0)
    return compound, pos, neg


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def lexical_features(texts: Sequence[str], languages: Sequence[str | None]) -> npt.NDArray[np.float32]:
    """Per text ``[compound, positive, negative]``: VADER for English, the German lexicon otherwise.
    Masses are squashed to [0, 1)."""
    out = np.zeros((len(texts), 3), dtype=np.float32)
    vader = _vader()
    for i, (t, lang) in enumerate(zip(texts, languages, strict=True)):
        if not t:
            continue
        t = t[:2000]
        if lang == "en":
            s = vader.polarity_scores(t)
            out[i] = (s["compound"], s["pos"] * 2.0, s["neg"] * 2.0)
        else:
            c, p, n = german_lexicon_score(t)
            # emoticons and English words also appear in German feedback: VADER catches them
            v = vader.polarity_scores(t)["compound"] if any(ch in t for ch in ":;)(") else 0.0
            out[i] = (max(-1.0, min(1.0, c + 0.3 * v)), p / (p + 2.0), n / (n + 2.0))
    return out


# --------------------------------------------------------------------------------------------------
# Prototypes (zero-shot)
# --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def prototype_sentences() -> dict[str, dict[str, list[str]]]:
    raw = resources.files("resonanz.core.text").joinpath("data/sentiment_prototypes.json").read_text("utf-8")
    data = json.loads(raw)
    return {lab: data[lab] for lab in LABELS}


def prototype_items() -> tuple[list[str], list[str], list[str]]:
    """(texts, labels, languages) of all prototype sentences."""
    texts, labels, langs = [], [], []
    for lab, by_lang in prototype_sentences().items():
        for lang, sents in by_lang.items():
            texts += sents
            labels += [lab] * len(sents)
            langs += [lang] * len(sents)
    return texts, labels, langs


class ProtoSentiment:
    """Zero-shot sentiment (see module docstring). ``predict(texts, embeddings, languages)``."""

    name = PROTO_NAME

    def __init__(self, embedder: Any, *, top_k: int = 5, temperature: float = 0.025, lex_weight: float = 2.5):
        from resonanz.core.text.heads import encode_with_cache

        texts, labels, _ = prototype_items()
        self._P = encode_with_cache(embedder, texts)
        self._lab = np.array([LABELS.index(x) for x in labels])
        self.top_k, self.temperature, self.lex_weight = top_k, temperature, lex_weight

    def class_similarities(self, X: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        S = np.asarray(X, dtype=np.float32) @ self._P.T
        out = np.zeros((len(X), 3))
        for c in range(3):
            sc = S[:, self._lab == c]
            k = min(self.top_k, sc.shape[1])
            out[:, c] = np.sort(sc, axis=1)[:, -k:].mean(1)
        return out

    def predict_proba(self, X: npt.NDArray[Any], lex: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        sims = self.class_similarities(X)
        z = (sims - sims.mean(1, keepdims=True)) / self.temperature
        c = lex[:, 0].astype(np.float64)
        z[:, 2] += self.lex_weight * np.clip(c, 0, None)
        z[:, 0] += self.lex_weight * np.clip(-c, 0, None)
        z[:, 1] += self.lex_weight * 0.4 * (1 - np.abs(c)) - 0.4
        return softmax(z)

    def predict(self, texts: Sequence[str], X: npt.NDArray[Any], languages: Sequence[str | None]) -> list[SentimentResult]:
        return _results(self.predict_proba(X, lexical_features(texts, languages)))


def _results(P: npt.NDArray[Any]) -> list[SentimentResult]:
    out = []
    for p in P:
        out.append(SentimentResult(LABELS[int(p.argmax())], round(float(p[2] - p[0]), 4),
                                   (float(p[0]), float(p[1]), float(p[2]))))
    return out


class HeadSentiment:
    """The shipped head (``sentiment.e5-head.v3``) on ``[embedding, lexical features]``."""

    name = HEAD_NAME

    def __init__(self, path: str | Path = HEAD_PATH) -> None:
        self.head = SoftmaxHead.load(path)
        self._order = [self.head.classes.index(c) for c in LABELS]

    def predict_proba(self, X: npt.NDArray[Any], lex: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        F = np.hstack([np.asarray(X, dtype=np.float32), lex.astype(np.float32)])
        return self.head.predict_proba(F)[:, self._order]

    def predict(self, texts: Sequence[str], X: npt.NDArray[Any], languages: Sequence[str | None]) -> list[SentimentResult]:
        return _results(self.predict_proba(X, lexical_features(texts, languages)))


class EnsembleSentiment:
    """The default (``sentiment.e5-ensemble.v3``): weighted geometric mean of the shipped head (0.9) and the
    prototype model (0.1), with a mild class-prior correction for feedback in the wild (neutral +0.1,
    positive −0.2 in log space): the head is trained with balanced class weights, while real feedback streams
    hold more neutral messages and few positive ones. (v1: 0.6 / 0.4 with +0.5 / −0.5, needed while the head
    had seen few neutral and informal texts.)"""

    name = ENSEMBLE_NAME

    def __init__(self, embedder: Any, *, head_weight: float = 0.9,
                 log_prior: tuple[float, float, float] = (0.0, 0.1, -0.2)) -> None:
        self.proto = ProtoSentiment(embedder)
        self.head = HeadSentiment()
        self.head_weight = head_weight
        self.log_prior = np.asarray(log_prior, dtype=np.float64)

    def predict_proba(self, X: npt.NDArray[Any], lex: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        w = self.head_weight
        z = w * np.log(self.head.predict_proba(X, lex) + 1e-9) + (1 - w) * np.log(self.proto.predict_proba(X, lex) + 1e-9)
        return softmax(z + self.log_prior)

    def predict(self, texts: Sequence[str], X: npt.NDArray[Any], languages: Sequence[str | None]) -> list[SentimentResult]:
        return _results(self.predict_proba(X, lexical_features(texts, languages)))


_ENSEMBLE: EnsembleSentiment | None = None


def signal_features(texts: Sequence[str], X: npt.NDArray[Any], languages: Sequence[str | None] | None = None) -> npt.NDArray[np.float32]:
    """Sentiment signals as extra features for trainable heads: lexical ``[compound, pos, neg]`` and the log
    probabilities of the shipped head and of the prototype model (9 columns)."""
    global _ENSEMBLE
    if languages is None:
        from resonanz.core.text.language import LanguageDetector

        det = LanguageDetector(account_default="de")
        languages = [det.detect_one(t).language if t else None for t in texts]
    L = lexical_features(texts, languages)
    if _ENSEMBLE is None:
        _ENSEMBLE = EnsembleSentiment(None)
    return np.hstack([L, np.log(_ENSEMBLE.head.predict_proba(X, L) + 1e-6),
                      np.log(_ENSEMBLE.proto.predict_proba(X, L) + 1e-6)]).astype(np.float32)


def head_available() -> bool:
    return HEAD_PATH.is_file()


@registry.register(PROTO_NAME)
def make_proto_sentiment(embedder: Any = None) -> ProtoSentiment:
    from resonanz.core.text.embed import get_embedder

    return ProtoSentiment(embedder or get_embedder("auto"))


@registry.register(HEAD_NAME)
def make_head_sentiment() -> HeadSentiment:
    return HeadSentiment()


@registry.register(ENSEMBLE_NAME)
def make_ensemble_sentiment(embedder: Any = None) -> EnsembleSentiment:
    from resonanz.core.text.embed import get_embedder

    return EnsembleSentiment(embedder or get_embedder("auto"))


def default_sentiment(embedder: Any) -> ProtoSentiment | HeadSentiment | EnsembleSentiment:
    """The head + prototype ensemble when the shipped weights are present, else the prototype model."""
    return EnsembleSentiment(embedder) if head_available() else ProtoSentiment(embedder)


# --------------------------------------------------------------------------------------------------
# Building the shipped head (run by ``python bench/quality.py --build-weights``)
# --------------------------------------------------------------------------------------------------


def build_shipped_head(embedder: Any, encode: Any = None, out: Path = HEAD_PATH, *,
                       own_weight: float = OWN_WEIGHT) -> dict[str, Any]:
    """Train ``sentiment.e5-head.v3`` on UCI (CC BY 4.0) + MAMS sentence polarity (Apache-2.0) + the
    self-written sentences (prototypes and ``data/sentiment_train_own.json``; neutral and German included,
    weight ``own_weight`` each) and write weights + metadata. C = 0.5 (v1: 2): stronger L2 keeps the head from fitting
    the review domain of UCI/MAMS too closely."""
    import time

    from resonanz.core.text import datasets as ds
    from resonanz.core.text.heads import train_softmax

    encode = encode or (lambda ts: embedder.encode(ts))
    parts: list[Any] = []  # encode per source so cached dataset embeddings are reused
    texts: list[str] = []
    labels: list[str] = []
    langs: list[str] = []
    weights: list[float] = []
    sources: dict[str, int] = {}
    uci = ds.load_uci()
    if uci:
        parts.append(encode(uci.texts))
        texts += uci.texts; labels += uci.labels; langs += ["en"] * len(uci.texts)  # noqa: E702
        weights += [1.0] * len(uci.texts); sources["uci_sentences (CC BY 4.0)"] = len(uci.texts)  # noqa: E702
    for split in ("train", "val"):
        m = ds.load_mams(split)
        if m:
            keep = [i for i, lab in enumerate(m.labels) if lab != "mixed"]
            parts.append(encode(m.texts)[keep])
            texts += [m.texts[i] for i in keep]; labels += [m.labels[i] for i in keep]  # noqa: E702
            langs += ["en"] * len(keep); weights += [1.0] * len(keep)  # noqa: E702
            sources[f"mams_acsa/{split} sentence polarity (Apache-2.0)"] = len(keep)
    extra = _self_written_training()
    pt, pl, pg = prototype_items()
    own_t, own_l, own_g = pt + extra[0], pl + extra[1], pg + extra[2]
    parts.append(encode(own_t))
    texts += own_t; labels += own_l; langs += own_g  # noqa: E702
    weights += [own_weight] * len(own_t)  # fewer, but they carry German, neutral and informal CX language
    sources["self-written Resonanz sentences (AGPL-3.0-or-later)"] = len(own_t)
    X = np.vstack(parts)
    lex = lexical_features(texts, langs)
    F = np.hstack([X, lex])
    head = train_softmax(F, labels, C=HEAD_C, sample_weight=np.array(weights), class_weight="balanced")
    meta = {
        "component": HEAD_NAME, "model": "multinomial logistic regression on [e5-small embedding (384), "
        f"lexical compound/pos/neg (3)], L2 C={HEAD_C:g}, balanced class weights, temperature-calibrated on "
        "5-fold OOF logits",
        "embedder": getattr(embedder, "name", "?"), "classes": head.classes, "temperature": head.temperature,
        "data": sources, "n_train": len(texts),
        "licences": {"uci_sentences": "CC BY 4.0 (Kotzias et al., KDD 2015)",
                     "mams_acsa": "Apache-2.0 (Jiang et al., EMNLP 2019)", "self-written": "AGPL-3.0-or-later"},
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    head.save(out, meta)
    return meta


def _self_written_training() -> tuple[list[str], list[str], list[str]]:
    raw = resources.files("resonanz.core.text").joinpath("data/sentiment_train_own.json")
    if not raw.is_file():
        return [], [], []
    data = json.loads(raw.read_text("utf-8"))
    t, lab, g = [], [], []
    for label in LABELS:
        for lang, sents in data.get(label, {}).items():
            t += sents; lab += [label] * len(sents); g += [lang] * len(sents)  # noqa: E702
    return t, lab, g
