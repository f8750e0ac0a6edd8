"""Topic discovery: cluster feedback that fits no taxonomy topic into suggested new topics.

Pure function over arrays (``discover``). e5 vectors cluster by language, so vectors are centred per
language first; then KMeans (k chosen by silhouette over a small range, or given) or agglomerative
clustering; each cluster is labelled by its top c-TF-IDF terms (class-based TF-IDF over word uni/bi-grams,
German + English stop words removed), with size, mean sentiment and representative quotes (the texts
nearest to the centroid).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

NAME = "discovery.e5-kmeans-ctfidf.v1"

STOPWORDS_DE = frozenset(["aber", "alle", "allem", "allen", "aller", "alles", "als", "also", "am", "an", "ander", "andere", "anderem", "anderen", "anderer", "anderes", "anders", "auch", "auf", "aus", "bei", "beim", "bin", "bis", "bist", "bitte", "da", "dabei", "dadurch", "dafür", "dagegen", "daher", "dahin", "damals", "damit", "dann", "dar", "daran", "darauf", "daraus", "darf", "darum", "das", "dass", "daß", "dazu", "dein", "deine", "dem", "den", "denn", "der", "deren", "des", "dessen", "deshalb", "dich", "die", "dies", "diese", "diesem", "diesen", "dieser", "dieses", "dir", "doch", "dort", "du", "durch", "ein", "eine", "einem", "einen", "einer", "eines", "einfach", "einmal", "er", "es", "etwa", "etwas", "euch", "euer", "eure", "für", "gab", "gar", "gegen", "gehabt", "gewesen", "gibt", "hab", "habe", "haben", "hat", "hatte", "hatten", "hier", "hin", "hinter", "ich", "ihm", "ihn", "ihnen", "ihr", "ihre", "ihrem", "ihren", "ihrer", "im", "immer", "in", "ins", "ist", "ja", "jede", "jedem", "jeden", "jeder", "jedes", "jetzt", "kann", "kein", "keine", "keinem", "keinen", "keiner", "können", "könnte", "machen", "man", "manche", "mehr", "mein", "meine", "meinem", "meinen", "meiner", "meines", "mich", "mir", "mit", "muss", "musste", "nach", "nachdem", "nein", "nicht", "nichts", "noch", "nun", "nur", "ob", "oder", "ohne", "sehr", "sein", "seine", "seinem", "seinen", "seiner", "seit", "sich", "sie", "sind", "so", "solche", "soll", "sollte", "sondern", "sonst", "schon", "über", "um", "und", "uns", "unser", "unsere", "unter", "viel", "vom", "von", "vor", "war", "waren", "warst", "was", "weil", "weiter", "welche", "welchem", "welchen", "welcher", "welches", "wenn", "wer", "werde", "werden", "wie", "wieder", "will", "wir", "wird", "wirklich", "wo", "wollen", "wollte", "würde", "würden", "zu", "zum", "zur", "zwar", "zwischen", "mal", "ganz", "gut", "schon", "leider", "eigentlich", "danke", "dank", "hallo"])
STOPWORDS_EN = frozenset(["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during", "each", "few", "for", "from", "further", "get", "got", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "just", "let's", "me", "more", "most", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "that's", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "they're", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "wasn't", "we", "we're", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "won't", "would", "you", "your", "yours", "yourself", "also", "really", "still", "even", "would", "one", "thank", "thanks", "hi", "hello", "please", "im", "dont"])
STOPWORDS = STOPWORDS_DE | STOPWORDS_EN
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)


@dataclass
class SuggestedTopic:
    label: str
    terms: list[str]
    size: int
    member_indices: list[int]
    mean_sentiment: float | None
    quotes: list[str]
    languages: dict[str, int] = field(default_factory=dict)
    coherence: float = 0.0  # mean cosine of members to the centroid


def tokens(text: str) -> list[str]:
    return [w for w in (t.lower() for t in _TOKEN.findall(text)) if w not in STOPWORDS and len(w) > 2]


def c_tf_idf(docs_per_cluster: Sequence[Sequence[str]], top_n: int = 6) -> list[list[str]]:
    """Top terms per cluster by class-based TF-IDF (BERTopic's formula) over uni- and bi-grams."""
    counts: list[Counter[str]] = []
    for docs in docs_per_cluster:
        c: Counter[str] = Counter()
        for d in docs:
            tk = tokens(d)
            c.update(tk)
            c.update(f"{a} {b}" for a, b in zip(tk, tk[1:], strict=False))
        counts.append(c)
    total = Counter[str]()
    for c in counts:
        total.update(c)
    avg_words = max(1.0, sum(sum(c.values()) for c in counts) / max(1, len(counts)))
    out = []
    for c in counts:
        n = max(1, sum(c.values()))
        scored = {t: (f / n) * np.log(1 + avg_words / total[t]) for t, f in c.items() if f >= 2 or len(c) < 20}
        best = sorted(scored, key=lambda t: -scored[t])
        terms: list[str] = []
        for t in best:  # skip a unigram already covered by a chosen bigram and vice versa
            if any(t in u.split() or u in t.split() for u in terms):
                continue
            terms.append(t)
            if len(terms) >= top_n:
                break
        out.append(terms)
    return out


def center_by_language(X: npt.NDArray[Any], languages: Sequence[str | None] | None) -> npt.NDArray[np.float32]:
    """Subtract each language's mean vector and re-normalise (e5 clusters by language otherwise)."""
    X = np.asarray(X, dtype=np.float32).copy()
    if languages is None:
        X -= X.mean(0, keepdims=True)
    else:
        langs = np.array([lang or "?" for lang in languages])
        for lg in np.unique(langs):
            m = langs == lg
            X[m] -= X[m].mean(0, keepdims=True)
    X /= np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-9)
    return X


def discover(
    texts: Sequence[str], embeddings: npt.NDArray[Any], *, languages: Sequence[str | None] | None = None,
    sentiment_scores: Sequence[float | None] | None = None, n_clusters: int | None = None,
    method: str = "kmeans", min_size: int = 3, max_clusters: int = 12, n_quotes: int = 3, seed: int = 0,
) -> list[SuggestedTopic]:
    """Cluster ``texts`` (usually those with no good topic) into suggested topics, largest first."""
    n = len(texts)
    if n < max(2 * min_size, 4):
        return []
    Z = center_by_language(embeddings, languages)
    labels = _cluster(Z, n_clusters, method, max_clusters, min_size, seed)
    groups = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    groups = [g for g in groups if len(g) >= min_size]
    terms = c_tf_idf([[texts[i] for i in g] for g in groups])
    out = []
    for g, tm in zip(groups, terms, strict=True):
        centroid = Z[g].mean(0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        sims = Z[g] @ centroid
        order = g[np.argsort(-sims)]
        quotes, seen = [], set()
        for i in order:
            q = texts[i].strip()
            if q.lower() not in seen:
                quotes.append(q)
                seen.add(q.lower())
            if len(quotes) >= n_quotes:
                break
        sent = None
        if sentiment_scores is not None:
            vals = [sentiment_scores[i] for i in g if sentiment_scores[i] is not None]
            sent = round(float(np.mean(vals)), 4) if vals else None
        langs = Counter(languages[i] or "?" for i in g) if languages is not None else Counter()
        out.append(SuggestedTopic(" / ".join(tm[:3]) or f"cluster {len(out) + 1}", tm, len(g),
                                  [int(i) for i in g], sent, quotes, dict(langs), round(float(sims.mean()), 4)))
    out.sort(key=lambda s: (-s.size, -s.coherence))
    return out


def _cluster(Z: npt.NDArray[np.float32], k: int | None, method: str, max_k: int, min_size: int, seed: int) -> npt.NDArray[np.int_]:
    from sklearn.cluster import AgglomerativeClustering, KMeans
    from sklearn.metrics import silhouette_score

    n = len(Z)

    def run(kk: int) -> npt.NDArray[np.int_]:
        if method == "agglomerative":
            return AgglomerativeClustering(n_clusters=kk, metric="cosine", linkage="average").fit_predict(Z)
        return KMeans(n_clusters=kk, n_init=4, random_state=seed).fit_predict(Z)

    if k is not None:
        return run(min(k, n - 1))
    best, best_s = None, -2.0
    sample = np.random.default_rng(seed).choice(n, size=min(n, 3000), replace=False)
    for kk in range(2, max(3, min(max_k, n // min_size) + 1)):
        lab = run(kk)
        if len(np.unique(lab[sample])) < 2:
            continue
        s = silhouette_score(Z[sample], lab[sample], metric="cosine")
        if s > best_s:
            best, best_s = lab, s
    return best if best is not None else np.zeros(n, dtype=int)
