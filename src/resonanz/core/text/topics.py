"""Multi-label topic assignment over an editable taxonomy.

* ``topics.e5-zeroshot.v1`` – cosine similarity of the text embedding to each topic's descriptions and
  example phrases (both languages, so a German text matches English examples too), a small keyword bonus,
  and a per-topic threshold calibrated without labels: it sits between how similar the topic's own
  examples are to each other (leave-one-out) and how similar the other topics' examples are to it.
  ``score = sigmoid((sim - threshold) / 0.02)``; a hit needs ``score >= 0.5``. A sub-topic hit also
  makes its parent a hit.
* ``topics.e5-head.v1`` – after :meth:`TopicModel.fit` on labelled examples: one-vs-rest logistic
  regression (``heads.train_classifier``: calibrated probabilities and one threshold maximising micro-F1 of the
  topic sets on out-of-fold predictions; heads saved before 2026-12 keep their per-class thresholds). Topics
  without labelled examples keep their zero-shot scores.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from resonanz.core.errors import TextAnalysisError
from resonanz.core.registry import registry
from resonanz.core.text.base import TopicHit
from resonanz.core.text.heads import TextClassifier, encode_with_cache, sigmoid, train_classifier
from resonanz.core.text.taxonomy import Taxonomy

ZS_NAME = "topics.e5-zeroshot.v1"
HEAD_NAME = "topics.e5-head.v1"


def _kw_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    words = [w.strip().lower() for w in words if w.strip()]
    if not words:
        return None
    alts = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + ")", re.IGNORECASE)


class TopicModel:
    """Assigns taxonomy topics to texts; see the module docstring."""

    def __init__(self, taxonomy: Taxonomy | None = None, embedder: Any = None, *, max_topics: int = 4,
                 keyword_bonus: float = 0.03, width: float = 0.02, keyword_floor: float = 0.3) -> None:
        self.taxonomy = taxonomy or Taxonomy.load()
        self.max_topics = max_topics
        self.keyword_bonus = keyword_bonus
        self.width = width
        self.keyword_floor = keyword_floor
        self.head: TextClassifier | None = None
        self._embedder = embedder
        self.keys = self.taxonomy.keys
        self._kw = [_kw_pattern([w for ws in self.taxonomy[k].keywords.values() for w in ws]) for k in self.keys]
        self._prepare_zero_shot()

    @property
    def name(self) -> str:
        return HEAD_NAME if self.head is not None else ZS_NAME

    # ---- zero-shot -------------------------------------------------------------------------------
    def _embedder_or_default(self) -> Any:
        if self._embedder is None:
            from resonanz.core.text.embed import get_embedder

            self._embedder = get_embedder("auto")
        return self._embedder

    def _prepare_zero_shot(self) -> None:
        texts, owner, vlang = [], [], []
        for j, k in enumerate(self.keys):
            for lang in ("de", "en"):
                ts = self.taxonomy[k].texts(lang)
                texts += ts
                owner += [j] * len(ts)
                vlang += [lang] * len(ts)
        if not texts:
            raise TextAnalysisError("the taxonomy has no descriptions or examples to match", code="E228")
        from resonanz.core.text.sentiment import prototype_items

        generic = prototype_items()[0]
        V = encode_with_cache(self._embedder_lazy(texts + generic), texts + generic)
        self._V, self._owner = V[: len(texts)], np.array(owner)
        G = V[len(texts):]
        k = len(self.keys)
        related = [{self.keys[j], *self.taxonomy.ancestors(self.keys[j]), *self.taxonomy.descendants(self.keys[j])}
                   for j in range(k)]
        S_all = self._V @ self._V.T
        th = np.zeros(k)
        for j in range(k):
            own = np.flatnonzero(self._owner == j)
            if len(own) == 0:  # a topic known only from labelled data: never fires zero-shot
                th[j] = 9.0
                continue
            other = np.array([i for i in range(len(texts)) if self.keys[self._owner[i]] not in related[j]])
            # leave-one-out within one language (the other language holds translations of the same phrase)
            vl = np.array(vlang)[own]
            sims_own = S_all[np.ix_(own, own)].copy()
            np.fill_diagonal(sims_own, -1)
            sims_own[vl[:, None] != vl[None, :]] = -1
            loo = sims_own.max(1) if len(own) > 2 else np.array([0.88])
            neg = np.r_[S_all[np.ix_(other, own)].max(1), (G @ self._V[own].T).max(1)]
            hi, lo = float(np.median(loo)), float(np.quantile(neg, 0.97))
            th[j] = lo + 0.3 * (hi - lo) if hi > lo else lo
        self.thresholds = th

    def _embedder_lazy(self, texts: Sequence[str]) -> Any:
        from resonanz.core.text.heads import _load_proto_cache, _proto_mem

        _load_proto_cache()
        if all(t in _proto_mem for t in texts):
            return None  # everything cached: no need to load an encoder
        return self._embedder_or_default()

    def zero_shot_scores(self, texts: Sequence[str], X: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        X = np.asarray(X, dtype=np.float32)
        S = X @ self._V.T
        k = len(self.keys)
        sims = np.full((len(X), k), -1.0)
        for j in range(k):
            cols = self._owner == j
            if cols.any():
                sims[:, j] = S[:, cols].max(1)
        for j, pat in enumerate(self._kw):
            if pat is None:
                continue
            for i, t in enumerate(texts):
                if t and pat.search(t):
                    sims[i, j] += self.keyword_bonus
        return sigmoid((sims - self.thresholds) / self.width)

    def keyword_match(self, key: str, text: str) -> bool:
        """Whether ``text`` contains a keyword of topic ``key`` or of one of its sub-topics."""
        for k in [key, *self.taxonomy.descendants(key)]:
            pat = self._kw[self.keys.index(k)] if k in self.keys else None
            if pat is not None and pat.search(text):
                return True
        return False

    def root_of(self, key: str) -> str:
        return ([key, *self.taxonomy.ancestors(key)])[-1] if key in self.taxonomy else key

    # ---- combined ----------------------------------------------------------------------------------
    def scores(self, texts: Sequence[str], X: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        """(n, n_topics) scores in [0, 1] in ``self.keys`` order; a hit is ``score >= 0.5``."""
        P = self.zero_shot_scores(texts, X)
        if self.head is not None:
            H = self.head.predict_proba(texts, X)
            th = self.head.thresholds if self.head.thresholds is not None else np.full(H.shape[1], 0.5)
            # map head probabilities so that each class threshold lands on 0.5
            Hs = np.where(th <= H, 0.5 + 0.5 * (H - th) / np.maximum(1 - th, 1e-6), 0.5 * H / np.maximum(th, 1e-6))
            for c, cls in enumerate(self.head.classes):
                if cls in self.keys:
                    P[:, self.keys.index(cls)] = Hs[:, c]
        # a sub-topic hit lifts its parent
        for j, key in enumerate(self.keys):
            for anc in self.taxonomy.ancestors(key):
                a = self.keys.index(anc)
                P[:, a] = np.maximum(P[:, a], P[:, j])
        return P

    def predict(self, texts: Sequence[str], embeddings: npt.NDArray[Any]) -> list[list[TopicHit]]:
        P = self.scores(texts, embeddings)
        out: list[list[TopicHit]] = []
        for i, row in enumerate(P):
            if not texts[i]:
                out.append([])
                continue
            # a hit: score >= 0.5, or a keyword of the topic occurs and the score has some support
            idx = [j for j in np.argsort(-row) if row[j] >= 0.5 or
                   (row[j] >= self.keyword_floor and self._kw[j] is not None and self._kw[j].search(texts[i]))]
            # keep at most max_topics top-level topics (+ their sub-topics)
            roots: list[str] = []
            hits = []
            for j in idx:
                key = self.keys[j]
                root = ([key, *self.taxonomy.ancestors(key)])[-1]
                if root not in roots:
                    if len(roots) >= self.max_topics:
                        continue
                    roots.append(root)
                hits.append(TopicHit(key, round(float(row[j]), 4)))
            out.append(hits)
        return out

    # ---- learning ----------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[Sequence[str]], embeddings: npt.NDArray[Any] | None = None,
            *, use_chars: bool = True) -> TopicModel:
        """Train the one-vs-rest head from labelled texts (labels are topic keys; unknown keys are added to
        the taxonomy as new top-level topics without examples)."""
        if embeddings is None:
            embeddings = self._embedder_or_default().encode(list(texts))
        for lab in {c for s in labels for c in s}:
            if lab not in self.taxonomy:
                self.taxonomy.add({"key": lab, "name": lab})
        self.keys = self.taxonomy.keys
        self._kw = [_kw_pattern([w for ws in self.taxonomy[k].keywords.values() for w in ws]) for k in self.keys]
        self._prepare_zero_shot()
        self.head = train_classifier(texts, embeddings, [list(s) for s in labels], task="topics",
                                     multi_label=True, use_chars=use_chars)
        return self

    def save(self, directory: str | Path) -> Path:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self.taxonomy.save(d / "taxonomy.json")
        if self.head is not None:
            self.head.save(d / "head")
        (d / "topic_model.json").write_text(json.dumps({"component": self.name, "max_topics": self.max_topics}))
        return d

    @classmethod
    def load(cls, directory: str | Path, embedder: Any = None) -> TopicModel:
        d = Path(directory)
        m = cls(Taxonomy.load(d / "taxonomy.json"), embedder)
        if (d / "head" / "meta.json").is_file():
            m.head = TextClassifier.load(d / "head")
        return m


@registry.register(ZS_NAME)
def make_zero_shot_topics(taxonomy: Taxonomy | None = None, embedder: Any = None) -> TopicModel:
    return TopicModel(taxonomy, embedder)


@registry.register(HEAD_NAME)
def make_head_topics(directory: str, embedder: Any = None) -> TopicModel:
    return TopicModel.load(directory, embedder)
