"""Semantic search and extractive theme summaries over stored embeddings.

Brute-force cosine in numpy, chunked so that a 1M × 384 matrix (float32 or float16, e.g. a memory-mapped
``.npy``) is searched with bounded extra memory. e5 is multilingual: a German query finds English feedback
and vice versa. Vectors must be L2-normalised (the embedder does that).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from resonanz.core.text.base import TextAnalysis

NAME = "search.e5-bruteforce.v1"


@dataclass(frozen=True)
class SearchHit:
    index: int
    score: float


def top_k(matrix: npt.NDArray[Any], query: npt.NDArray[Any], k: int = 10, *, chunk: int = 65536,
          mask: npt.NDArray[np.bool_] | None = None, min_score: float | None = None) -> list[SearchHit]:
    """Indices of the ``k`` rows of ``matrix`` most similar to ``query`` (cosine = dot product).

    ``mask`` (bool per row) restricts the search (e.g. one account, a date range)."""
    q = np.asarray(query, dtype=np.float32).reshape(-1)
    n = matrix.shape[0]
    k = max(1, min(k, n)) if n else 0
    best_s = np.empty(0, dtype=np.float32)
    best_i = np.empty(0, dtype=np.int64)
    for a in range(0, n, chunk):
        block = np.asarray(matrix[a:a + chunk], dtype=np.float32)
        s = block @ q
        if mask is not None:
            s = np.where(mask[a:a + chunk], s, -np.inf)
        part = np.argpartition(-s, k - 1)[:k] if len(s) > k else np.arange(len(s))
        best_s = np.concatenate([best_s, s[part]])
        best_i = np.concatenate([best_i, part + a])
        if len(best_s) > k:
            keep = np.argpartition(-best_s, k - 1)[:k]
            best_s, best_i = best_s[keep], best_i[keep]
    order = np.argsort(-best_s)
    hits = [SearchHit(int(best_i[o]), float(best_s[o])) for o in order if np.isfinite(best_s[o])]
    if min_score is not None:
        hits = [h for h in hits if h.score >= min_score]
    return hits


class SemanticIndex:
    """Embeddings + ids; ``search(query_text)`` encodes the query with the same embedder."""

    name = NAME

    def __init__(self, embeddings: npt.NDArray[Any], ids: Sequence[Any] | None = None, embedder: Any = None) -> None:
        self.embeddings = embeddings
        self.ids = list(ids) if ids is not None else list(range(len(embeddings)))
        self.embedder = embedder

    def search(self, query: str, k: int = 10, **kw: Any) -> list[tuple[Any, float]]:
        if self.embedder is None:
            from resonanz.core.text.embed import get_embedder

            self.embedder = get_embedder("auto")
        q = self.embedder.encode([query])[0]
        return [(self.ids[h.index], round(h.score, 4)) for h in top_k(self.embeddings, q, k, **kw)]


@dataclass
class ThemeSummary:
    topic: str
    count: int
    share: float
    mean_sentiment: float | None
    sentiment_counts: dict[str, int] = field(default_factory=dict)
    quotes: list[str] = field(default_factory=list)


def theme_summary(analyses: Sequence[TextAnalysis], texts: Sequence[str], embeddings: npt.NDArray[Any] | None = None,
                  *, top_n: int = 5, n_quotes: int = 3) -> list[ThemeSummary]:
    """Top topics of a set of analysed texts with counts, aspect sentiment and representative quotes
    (extractive: the member texts nearest to the topic's centroid, else the highest-scoring ones)."""
    members: dict[str, list[tuple[int, float, float | None, str | None]]] = defaultdict(list)
    for i, a in enumerate(analyses):
        for h in a.topics:
            members[h.name].append((i, h.score, h.sentiment_score, h.sentiment))
    total = max(1, sum(1 for a in analyses if a.sentiment is not None or a.topics))
    out = []
    for topic, rows in sorted(members.items(), key=lambda kv: -len(kv[1]))[:top_n]:
        idx = [r[0] for r in rows]
        if embeddings is not None and len(idx) > 1:
            E = np.asarray(embeddings[idx], dtype=np.float32)
            c = E.mean(0)
            c /= max(float(np.linalg.norm(c)), 1e-9)
            order = [idx[j] for j in np.argsort(-(E @ c))]
        else:
            order = [r[0] for r in sorted(rows, key=lambda r: -r[1])]
        quotes, seen = [], set()
        for i in order:
            q = (texts[i] or "").strip()
            if q and q.lower() not in seen:
                quotes.append(q)
                seen.add(q.lower())
            if len(quotes) >= n_quotes:
                break
        scores = [r[2] for r in rows if r[2] is not None]
        out.append(ThemeSummary(topic, len(rows), round(len(rows) / total, 4),
                                round(float(np.mean(scores)), 4) if scores else None,
                                dict(Counter(r[3] for r in rows if r[3])), quotes))
    return out
