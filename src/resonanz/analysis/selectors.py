"""Reads for text analysis: panels, quality against human labels, semantic search, taxonomy tree."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Max, Min, QuerySet

from resonanz.analysis.models import (
    Correction,
    CorrectionKind,
    CorrectionOrigin,
    FeedbackAnalysis,
    FeedbackEmbedding,
    FeedbackTopic,
    Topic,
    TopicSuggestion,
)
from resonanz.feedback.models import Feedback


def analysis_for_feedback(*, feedback_id: int) -> dict[str, Any]:
    """Everything the analysis panel of one feedback item shows: model outputs and the latest corrections."""
    analysis = FeedbackAnalysis.objects.filter(feedback_id=feedback_id).first()
    hits = list(FeedbackTopic.objects.filter(feedback_id=feedback_id).select_related("topic").order_by("-score"))
    latest: dict[str, Correction] = {}
    for c in Correction.objects.filter(feedback_id=feedback_id).select_related("created_by").order_by("created_at"):
        latest[c.kind] = c
    corrected_topics: list[Topic] = []
    if CorrectionKind.TOPICS in latest:
        keys = latest[CorrectionKind.TOPICS].value or []
        corrected_topics = list(Topic.objects.filter(key__in=keys))
    return {
        "analysis": analysis,
        "hits": hits,
        "corrections": latest,
        "corrected_topics": corrected_topics,
        "effective_sentiment": (
            latest[CorrectionKind.SENTIMENT].value if CorrectionKind.SENTIMENT in latest
            else (analysis.sentiment if analysis else None)
        ),
    }


def topic_tree() -> list[tuple[Topic, int]]:
    """Active topics in tree order with their depth (for an indented list)."""
    topics = list(Topic.objects.filter(merged_into__isnull=True).order_by("position", "key"))
    shown = {t.id for t in topics}
    children: dict[int | None, list[Topic]] = defaultdict(list)
    for t in topics:  # a topic whose parent was merged away is shown at the top level, never lost
        children[t.parent_id if t.parent_id in shown else None].append(t)
    out: list[tuple[Topic, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for t in children.get(parent, []):
            out.append((t, depth))
            walk(t.id, depth + 1)

    walk(None, 0)
    return out


def topic_tree_for_review() -> list[tuple[Topic, int]]:
    """What the quality check offers: every active topic in tree order (the same for every item, so the
    list reveals nothing of the model's answer)."""
    return [(t, depth) for t, depth in topic_tree() if t.active]


def _chain_ends(step: dict[str, str | None]) -> dict[str, str]:
    """Each key -> where following ``step`` from it ends (cycles stop where they close)."""
    out = {}
    for key in step:
        k, seen = key, set()
        while step.get(k) and k not in seen:
            seen.add(k)
            k = step[k]  # type: ignore[assignment]
        out[key] = k
    return out


def topic_aliases() -> dict[str, str]:
    """Key of every merged topic -> key of the topic it now lives in (following chains of merges)."""
    return _chain_ends(dict(Topic.objects.filter(merged_into__isnull=False).values_list("key", "merged_into__key")))


def topic_roots() -> dict[str, str]:
    """Topic key -> key of its top-level ancestor."""
    return _chain_ends(dict(Topic.objects.values_list("key", "parent__key")))


def suggestion_list(*, status: str = "open") -> QuerySet[TopicSuggestion]:
    return TopicSuggestion.objects.filter(status=status).order_by("-size", "-id")


# ---- labels for training heads -------------------------------------------------------------------------
def human_labels(*, kind: str) -> dict[int, tuple[Any, Any, bool]]:
    """Latest human label per item of one correction kind: ``{feedback_id: (value, model label then, drawn by
    the random quality check)}``; empty topic sets are left out."""
    latest: dict[int, tuple[Any, Any, bool]] = {}
    sampled: set[int] = set()
    for fid, value, prev, origin in Correction.objects.filter(kind=kind).order_by("created_at", "id").values_list(
            "feedback_id", "value", "previous", "origin"):
        if origin == CorrectionOrigin.SAMPLE:
            sampled.add(fid)
        latest[fid] = (value, prev, fid in sampled)
    if kind != CorrectionKind.TOPICS:
        return latest
    alias = topic_aliases()  # a label given before a merge means the topic it was merged into
    return {fid: (sorted({alias.get(k, k) for k in value}), prev, s) for fid, (value, prev, s) in latest.items()
            if value}


def model_labels_sample(*, kind: str, exclude: set[int], limit: int, seed: int = 0) -> dict[int, Any]:
    """The current model's label (sentiment, or sorted topic keys) of a random sample of up to ``limit``
    analysed items outside ``exclude`` (items with no sentiment / no topic are not candidates)."""
    if kind == CorrectionKind.TOPICS:
        candidates = FeedbackTopic.objects.values_list("feedback_id", flat=True).distinct()
    else:
        candidates = FeedbackAnalysis.objects.exclude(sentiment="").values_list("feedback_id", flat=True)
    ids = np.array([i for i in candidates if i not in exclude], dtype=np.int64)
    pick = sorted(int(i) for i in np.random.default_rng(seed).permutation(ids)[:limit])
    if kind != CorrectionKind.TOPICS:
        return dict(FeedbackAnalysis.objects.filter(feedback_id__in=pick).values_list("feedback_id", "sentiment"))
    out: dict[int, list[str]] = defaultdict(list)
    for fid, key in FeedbackTopic.objects.filter(feedback_id__in=pick).values_list("feedback_id", "topic__key"):
        out[fid].append(key)
    return {fid: sorted(v) for fid, v in out.items()}


# ---- quality against human labels -------------------------------------------------------------------------
@dataclass
class QualityRow:
    language: str
    n: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.n if self.n else None

    @property
    def interval(self) -> tuple[float | None, float | None]:
        """95 % Wilson interval of the accuracy (meaningful for the random sample)."""
        from resonanz.core.metrics.scores import wilson_interval

        return wilson_interval(self.correct, self.n)


@dataclass
class Quality:
    """Accuracy against all human labels (``sentiment``, ``topics``; biased towards the model's errors, since
    people mostly correct what is wrong) and against the random quality-check sample only (``sample_*``)."""

    sentiment: list[QualityRow] = field(default_factory=list)
    topics: list[dict[str, Any]] = field(default_factory=list)
    n_labels: int = 0
    sample_sentiment: list[QualityRow] = field(default_factory=list)
    sample_topics: list[dict[str, Any]] = field(default_factory=list)
    n_sample: int = 0


def model_quality() -> Quality:
    """Accuracy of the current model outputs against every human label, per language, and against the labels
    of the random quality check alone.

    Sentiment: share of items whose current model label equals the latest human label. Topics: micro
    precision / recall / F1 of the current topic set against the latest human topic set."""
    latest: dict[tuple[int, str], Any] = {}
    sample: dict[tuple[int, str], Any] = {}
    for fid, kind, value, origin in Correction.objects.order_by("created_at", "id").values_list(
            "feedback_id", "kind", "value", "origin"):
        latest[(fid, kind)] = value
        if origin == CorrectionOrigin.SAMPLE:
            sample[(fid, kind)] = value
    ids = {fid for fid, _ in latest}
    analyses = {a.feedback_id: a for a in FeedbackAnalysis.objects.filter(feedback_id__in=ids).only(
        "feedback_id", "sentiment", "language")}
    topics: dict[int, set[str]] = defaultdict(set)
    for fid, key in FeedbackTopic.objects.filter(feedback_id__in=ids).values_list("feedback_id", "topic__key"):
        topics[fid].add(key)
    roots = topic_roots()
    roots |= {k: roots.get(v, v) for k, v in topic_aliases().items()}  # labels given before a merge
    sent, top = _score_labels(latest, analyses, topics, roots)
    sample_sent, sample_top = _score_labels(sample, analyses, topics, roots)
    return Quality(sentiment=sent, topics=top, n_labels=len(latest), sample_sentiment=sample_sent,
                   sample_topics=sample_top, n_sample=len({fid for fid, _ in sample}))


def _score_labels(labels: dict[tuple[int, str], Any], analyses: dict[int, FeedbackAnalysis],
                  topics: dict[int, set[str]], roots: dict[str, str]) -> tuple[list[QualityRow], list[dict[str, Any]]]:
    sent: dict[str, QualityRow] = {}
    top: dict[str, list[int]] = {}
    for (fid, kind), value in labels.items():
        a = analyses.get(fid)
        lang = (a.language if a and a.language else "?")
        if kind == CorrectionKind.SENTIMENT and a is not None:
            row = sent.setdefault(lang, QualityRow(lang, 0, 0))
            row.n += 1
            row.correct += int(a.sentiment == value)
        elif kind == CorrectionKind.TOPICS:
            # compared on top-level topics: a human who picks "delivery" agrees with "delivery.delay"
            gold = {roots.get(k, k) for k in (value or [])}
            pred = {roots.get(k, k) for k in topics.get(fid, set())}
            tp, fp, fn = len(gold & pred), len(pred - gold), len(gold - pred)
            acc = top.setdefault(lang, [0, 0, 0, 0])
            acc[0] += tp
            acc[1] += fp
            acc[2] += fn
            acc[3] += 1
    topic_rows = []
    for lang, (tp, fp, fn, n) in sorted(top.items()):
        p = tp / (tp + fp) if tp + fp else None
        r = tp / (tp + fn) if tp + fn else None
        f1 = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        topic_rows.append({"language": lang, "n": n, "precision": p, "recall": r, "f1": f1})
    return sorted(sent.values(), key=lambda r: r.language), topic_rows


def review_candidate(*, language: str | None = None, rng: random.Random | None = None) -> Feedback | None:
    """A random analysed feedback item with text that has no quality-check (sample) sentiment label yet, or
    None when every such item has one. The draw picks a random point in the id range and takes the next
    eligible item (wrapping around): uniform over items as long as ids have no large gaps, and cheap on
    millions of rows (an index range scan instead of ORDER BY random())."""
    sampled = Correction.objects.filter(kind=CorrectionKind.SENTIMENT, origin=CorrectionOrigin.SAMPLE)
    eligible = FeedbackAnalysis.objects.exclude(sentiment="").exclude(feedback__text="").exclude(
        feedback_id__in=sampled.values("feedback_id"))
    if language:
        eligible = eligible.filter(language=language)
    bounds = FeedbackAnalysis.objects.aggregate(lo=Min("feedback_id"), hi=Max("feedback_id"))
    if bounds["lo"] is None:
        return None
    start = (rng or random.SystemRandom()).randint(bounds["lo"], bounds["hi"])
    fid = (eligible.filter(feedback_id__gte=start).order_by("feedback_id").values_list("feedback_id", flat=True).first()
           or eligible.filter(feedback_id__lt=start).order_by("feedback_id").values_list("feedback_id", flat=True).first())
    return None if fid is None else Feedback.objects.get(pk=fid)


# ---- semantic search --------------------------------------------------------------------------------------
_index_lock = threading.Lock()
_index: dict[str, Any] = {"key": None, "ids": None, "matrix": None}


def embedding_matrix() -> tuple[list[int], np.ndarray, dict[str, np.ndarray]]:
    """All stored feedback embeddings, centred per language (e5 vectors cluster by language; removing each
    language's mean direction lets a German query find English feedback), L2-normalised, as float16, plus the
    per-language means for centring queries. Cached per process until rows change."""
    stats = FeedbackEmbedding.objects.aggregate(m=Max("feedback_id"))
    key = f"{FeedbackEmbedding.objects.count()}:{stats['m']}"
    with _index_lock:
        if _index["key"] != key:
            ids: list[int] = []
            langs: list[str] = []
            chunks: list[np.ndarray] = []
            rows = FeedbackEmbedding.objects.order_by("feedback_id").values_list(
                "feedback_id", "vector", "feedback__analysis__language")
            for fid, vec, lang in rows.iterator(chunk_size=5000):
                ids.append(fid)
                langs.append(lang or "?")
                chunks.append(np.frombuffer(bytes(vec), dtype=np.float16))
            matrix = np.vstack(chunks).astype(np.float32) if chunks else np.zeros((0, 384), dtype=np.float32)
            means: dict[str, np.ndarray] = {}
            lang_arr = np.array(langs)
            for lang in set(langs):
                rows_l = lang_arr == lang
                if rows_l.sum() >= 20:  # too few texts give a noisy mean: leave them uncentred
                    means[lang] = matrix[rows_l].mean(0)
                    matrix[rows_l] -= means[lang]
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix = (matrix / np.maximum(norms, 1e-9)).astype(np.float16)
            _index.update(key=key, ids=ids, matrix=matrix, means=means)
        return _index["ids"], _index["matrix"], _index["means"]


def semantic_search(*, query: str, k: int = 30, embedder: Any = None) -> list[tuple[int, float]]:
    """Feedback ids most similar to ``query`` (German or English) with their cosine similarity."""
    from resonanz.core.text.language import LanguageDetector
    from resonanz.core.text.search import top_k

    ids, matrix, means = embedding_matrix()
    if not ids or not query.strip():
        return []
    if embedder is None:
        from resonanz.core.text.embed import get_embedder

        embedder = get_embedder("auto")
    q = embedder.encode([query.strip()])[0].astype(np.float32)
    lang = LanguageDetector().detect_one(query.strip(), None)
    if lang is not None and lang.language in means:
        q = q - means[lang.language]
        q /= max(float(np.linalg.norm(q)), 1e-9)
    return [(ids[h.index], round(h.score, 4)) for h in top_k(matrix, q, k)]


def theme_summary_for(*, feedback_ids: list[int], top_n: int = 5, quotes: int = 3,
                      show_original: bool = False) -> list[dict[str, Any]]:
    """Top topics of a set of feedback with counts, mean aspect sentiment and representative quotes
    (extractive: the member texts in the given order, i.e. the most relevant first)."""
    if not feedback_ids:
        return []
    order = {fid: i for i, fid in enumerate(feedback_ids)}
    by_topic: dict[int, list[FeedbackTopic]] = defaultdict(list)
    for hit in FeedbackTopic.objects.filter(feedback_id__in=feedback_ids).select_related("topic"):
        by_topic[hit.topic_id].append(hit)
    texts = {f.id: (f.text if show_original or not f.text_redacted else f.text_redacted)
             for f in Feedback.objects.filter(id__in=feedback_ids).only("id", "text", "text_redacted")}
    out = []
    for hits in sorted(by_topic.values(), key=lambda h: -len(h))[:top_n]:
        scores = [h.sentiment_score for h in hits if h.sentiment_score is not None]
        seen: set[str] = set()
        picked: list[str] = []
        for h in sorted(hits, key=lambda h: order.get(h.feedback_id, 10**9)):
            text = texts.get(h.feedback_id, "")
            if text and text.strip().lower() not in seen:
                seen.add(text.strip().lower())
                picked.append(text)
            if len(picked) >= quotes:
                break
        out.append({
            "topic": hits[0].topic, "count": len(hits), "share": len(hits) / len(feedback_ids),
            "sentiment": (sum(scores) / len(scores)) if scores else None,
            "quotes": picked,
        })
    return out
