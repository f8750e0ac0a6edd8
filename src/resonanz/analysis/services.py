"""Writes for text analysis: run the core pipeline on feedback, store outputs with provenance, queue analysis
jobs, human corrections and the random quality check. The taxonomy and discovery are in ``taxonomy.py``, the
corrections loop's training in ``training.py``.

Model outputs replace earlier model outputs of the same item; human ``Correction`` rows are never touched.
An item is re-analysed only when its text, the pipeline's components or the taxonomy changed (``input_hash``,
``FeedbackAnalysis.version``; ADR 0007).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction

from resonanz.analysis.models import (
    Correction,
    CorrectionKind,
    CorrectionOrigin,
    FeedbackAnalysis,
    FeedbackEmbedding,
    FeedbackTopic,
    Topic,
)
from resonanz.analysis.taxonomy import taxonomy_file, topics_ensure_default
from resonanz.core.text.embed import pack_int8_rows, unpack_int8_rows
from resonanz.core.text.signals import INTENTS
from resonanz.feedback.models import Feedback

BATCH = 64
DECIDED_PREFIX = "discovery."  # FeedbackTopic.component of assignments an analyst decided (accepted suggestions)
SENTIMENTS = ("negative", "neutral", "positive")
MAX_TOPICS_PER_LABEL = 50
LANGUAGE_CODE = re.compile(r"^([a-z]{2,3}|other)\Z")
_pipelines: dict[str, Any] = {}
_pipeline_lock = threading.Lock()


# ---- pipeline ---------------------------------------------------------------------------------------------


def active_classifier_names() -> list[str]:
    """Stored names (``name-vN``) of the active trained classifiers: the newest active one per task."""
    from resonanz.analysis.models import TrainedClassifier

    seen: dict[str, str] = {}
    for c in TrainedClassifier.objects.filter(active=True).order_by("-trained_at", "-id"):
        seen.setdefault(c.task, f"{c.name}-v{c.version}")
    return [seen[t] for t in sorted(seen)]


def pipeline_reset() -> None:
    """Forget the cached pipeline (after the active heads changed); the next ``pipeline_get`` rebuilds it."""
    with _pipeline_lock:
        _pipelines.clear()


def pipeline_get() -> Any:
    """The process-wide pipeline for the current taxonomy (rebuilt when the taxonomy changes)."""
    from resonanz.core.text.pipeline import Pipeline, PipelineConfig

    topics_ensure_default()
    path, digest = taxonomy_file()
    classifiers = tuple(active_classifier_names())
    key = f"{digest}:{','.join(classifiers)}"
    with _pipeline_lock:
        if key not in _pipelines:
            _pipelines.clear()
            pipe = Pipeline(PipelineConfig(
                taxonomy_path=path, account_default_language=settings.RESONANZ_DEFAULT_LANGUAGE,
                classifiers=classifiers,
            ))
            pipe.taxonomy_digest = digest
            _pipelines[key] = pipe
        return _pipelines[key]


def analysis_version(pipe: Any) -> tuple[dict[str, str], str]:
    """What an analysis by ``pipe`` depends on besides the text: its components plus the taxonomy it loaded,
    and a short hash of that (``FeedbackAnalysis.version``; rows with another one are outdated)."""
    components = dict(pipe.components())
    digest = getattr(pipe, "taxonomy_digest", "")
    if digest:
        components["taxonomy"] = digest
    raw = json.dumps(components, sort_keys=True).encode()
    return components, hashlib.sha1(raw).hexdigest()[:16]  # noqa: S324 - a version key, not security


# ---- analysis ---------------------------------------------------------------------------------------------
def _input_hash(fb: Feedback, components: dict[str, str]) -> str:
    h = hashlib.sha256()
    h.update((fb.title or "").encode())
    h.update(b"\x00")
    h.update((fb.text or "").encode())
    h.update(json.dumps(components, sort_keys=True).encode())
    return h.hexdigest()


def feedback_analyze(
    *, feedback_ids: Sequence[int], force: bool = False, pipeline: Any = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Analyse the given feedback items in batches and store the results. Idempotent; returns counts."""
    from resonanz.core.text.base import TextInput

    pipe = pipeline or pipeline_get()
    components, version = analysis_version(pipe)
    topic_ids = dict(Topic.objects.values_list("key", "id"))
    counts = {"analysed": 0, "skipped": 0}
    ids = list(feedback_ids)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        items = list(Feedback.objects.filter(id__in=chunk).select_related("customer").only(
            "id", "title", "text", "language", "customer__preferred_language"))
        existing = dict(FeedbackAnalysis.objects.filter(feedback_id__in=chunk).values_list("feedback_id", "input_hash"))
        todo = []
        for fb in items:
            digest = _input_hash(fb, components)
            if not force and existing.get(fb.id) == digest:
                counts["skipped"] += 1
                continue
            todo.append((fb, digest))
        if todo:
            batch = [
                TextInput(
                    id=str(fb.id),
                    text="\n".join(x for x in (fb.title, fb.text) if x) or None,
                    default_language=(fb.language or (fb.customer.preferred_language if fb.customer else "") or None),
                )
                for fb, _ in todo
            ]
            results, vectors, clauses = pipe.analyze_for_storage(batch)
            _store(todo, results, vectors, clauses, topic_ids, pipe, version)
            counts["analysed"] += len(todo)
        if progress:
            progress(len(chunk))
    return counts


@transaction.atomic
def _store(todo: list[tuple[Feedback, str]], results: list[Any], vectors: np.ndarray, clauses: list[Any],
           topic_ids: dict[str, int], pipe: Any, version: str = "") -> None:
    ids = [fb.id for fb, _ in todo]
    FeedbackAnalysis.objects.filter(feedback_id__in=ids).delete()
    FeedbackEmbedding.objects.filter(feedback_id__in=ids).delete()
    analyses, hits, embeddings = [], [], []
    topics_component = pipe.components().get("topics", "")
    for (fb, digest), r, vec, cv in zip(todo, results, vectors, clauses, strict=True):
        analyses.append(FeedbackAnalysis(
            feedback_id=fb.id, language=r.language or "", language_score=r.language_score,
            sentiment=r.sentiment or "", sentiment_score=r.sentiment_score,
            emotions=[{"name": e.name, "score": e.score} for e in r.emotions],
            intent=r.intent or "", urgent=bool(r.urgent), pii_types=list(r.pii), truncated=r.truncated,
            components=r.components or {}, input_hash=digest, version=version,
        ))
        hits += _topic_rows(fb.id, r.topics, topic_ids, topics_component)
        if r.language is not None:
            embeddings.append(FeedbackEmbedding(
                feedback_id=fb.id, vector=np.asarray(vec, dtype=np.float16).tobytes(),
                clauses=b"" if cv is None else pack_int8_rows(cv),
                component=(r.components or {}).get("embed", ""),
            ))
        redacted = r.redacted_text or ""
        if redacted != (fb.text or "") or fb.language != (r.language or fb.language):
            Feedback.objects.filter(pk=fb.id).update(
                text_redacted=redacted if redacted != (fb.text or "") else "",
                language=fb.language or (r.language or ""),
            )
    FeedbackAnalysis.objects.bulk_create(analyses)
    _replace_model_topics(ids, hits)
    FeedbackEmbedding.objects.bulk_create(embeddings)


def _topic_rows(feedback_id: int, topics: Sequence[Any], topic_ids: dict[str, int],
                component: str) -> list[FeedbackTopic]:
    return [FeedbackTopic(feedback_id=feedback_id, topic_id=topic_ids[h.name], score=h.score,
                          sentiment=h.sentiment or "", sentiment_score=h.sentiment_score, component=component)
            for h in topics if h.name in topic_ids]


def _replace_model_topics(ids: list[int], hits: list[FeedbackTopic]) -> None:
    """The model's topic rows of ``ids`` become ``hits``; topics assigned by an analyst's decision (an accepted
    topic suggestion) stay, unless the model now assigns the same topic itself."""
    FeedbackTopic.objects.filter(feedback_id__in=ids).exclude(component__startswith=DECIDED_PREFIX).delete()
    decided = set(FeedbackTopic.objects.filter(feedback_id__in=ids).values_list("feedback_id", "topic_id"))
    for fid, tid in {(h.feedback_id, h.topic_id) for h in hits} & decided:
        FeedbackTopic.objects.filter(feedback_id=fid, topic_id=tid).delete()
    FeedbackTopic.objects.bulk_create(hits)


REFRESH_BATCH = 512
RENEWABLE = ("sentiment", "topics")  # components whose change the stored vectors can absorb (ADR 0008)


def analysis_refresh_from_embeddings(
    *, feedback_ids: Sequence[int], pipeline: Any = None, progress: Callable[[int], None] | None = None,
) -> tuple[dict[str, int], list[int]]:
    """Renew analyses that are outdated because the taxonomy, the sentiment model or the topic model changed
    (the other components the same): sentiment where its model changed, topics and aspect sentiment, computed
    from the stored embedding, clause vectors and language without the encoder
    (``Pipeline.refresh_from_embeddings``; a fraction of a full pass, ADR 0008). Returns the counts and the ids
    that need a full analysis instead: no analysis or embedding, other components changed, or an aspect step
    that needs clause vectors where none are stored (analysed before they were). ``progress``
    gets the number of items finished here. ``input_hash`` keeps describing the last full analysis (an item
    whose text changed is analysed in full by the job its edit queued)."""
    from resonanz.core.text.pipeline import Refreshed

    pipe = pipeline or pipeline_get()
    components, version = analysis_version(pipe)
    current = {k: v for k, v in components.items() if k != "taxonomy"}
    fixed = {k: v for k, v in current.items() if k not in RENEWABLE}
    topic_ids = dict(Topic.objects.values_list("key", "id"))
    counts, full = {"renewed_from_embeddings": 0, "skipped": 0}, []
    ids = list(feedback_ids)
    for start in range(0, len(ids), REFRESH_BATCH):
        chunk = ids[start : start + REFRESH_BATCH]
        analyses = {a.feedback_id: a for a in FeedbackAnalysis.objects.filter(feedback_id__in=chunk).only(
            "feedback_id", "language", "sentiment", "sentiment_score", "components", "version")}
        vectors = {fid: (v, c) for fid, v, c in FeedbackEmbedding.objects.filter(feedback_id__in=chunk).values_list(
            "feedback_id", "vector", "clauses")}
        items = {f.id: f for f in Feedback.objects.filter(id__in=chunk).only("id", "text", "text_redacted")}
        ok, to_full, empty = [], [], []
        for fid in chunk:
            a = analyses.get(fid)
            if a is not None and a.version == version:
                counts["skipped"] += 1
            elif a is not None and not a.language and fid not in vectors:  # an empty text: nothing to renew
                empty.append(fid)
            elif (a is None or fid not in items or fid not in vectors
                  or any(a.components.get(k) != v for k, v in fixed.items())):
                to_full.append(fid)
            else:
                ok.append(fid)
        if empty:
            _store_renewed([(analyses[i], Refreshed(analyses[i].sentiment, analyses[i].sentiment_score, []))
                            for i in empty], topic_ids, current, version)
            counts["renewed_from_embeddings"] += len(empty)
        if ok:
            def stored(a: FeedbackAnalysis) -> tuple[str, float] | None:
                same = a.components.get("sentiment") == current.get("sentiment") and a.sentiment_score is not None
                return (a.sentiment, a.sentiment_score) if same else None

            X = np.vstack([np.frombuffer(bytes(vectors[i][0]), dtype=np.float16) for i in ok])
            results = pipe.refresh_from_embeddings(
                [items[i].text_redacted or items[i].text or "" for i in ok], X,
                [analyses[i].language or None for i in ok], [stored(analyses[i]) for i in ok],
                [unpack_int8_rows(vectors[i][1], X.shape[1]) for i in ok])
            rows = [(analyses[fid], r) for fid, r in zip(ok, results, strict=True) if r is not None]
            to_full += [fid for fid, r in zip(ok, results, strict=True) if r is None]
            _store_renewed(rows, topic_ids, current, version)
            counts["renewed_from_embeddings"] += len(rows)
        full += to_full
        if progress:
            progress(len(chunk) - len(to_full))
    return counts, full


@transaction.atomic
def _store_renewed(rows: list[tuple[FeedbackAnalysis, Any]], topic_ids: dict[str, int], current: dict[str, str],
                   version: str) -> None:
    from django.db import connection

    hits = [h for a, r in rows for h in _topic_rows(a.feedback_id, r.topics, topic_ids, current.get("topics", ""))]
    _replace_model_topics([a.feedback_id for a, _ in rows], hits)
    same, changed = [], []
    for a, r in rows:
        comps = a.components | {k: current[k] for k in RENEWABLE if k in current and k in a.components}
        if (r.sentiment, r.sentiment_score, comps) == (a.sentiment, a.sentiment_score, a.components):
            same.append(a.feedback_id)
        else:
            changed.append((r.sentiment, r.sentiment_score, comps, a.feedback_id))
    FeedbackAnalysis.objects.filter(feedback_id__in=same).update(version=version)
    if changed:  # one statement per row (Django's bulk_update builds a CASE per row: 5x slower here)
        table, field = FeedbackAnalysis._meta.db_table, FeedbackAnalysis._meta.get_field("components")
        with connection.cursor() as cur:
            cur.executemany(
                f"UPDATE {table} SET sentiment = %s, sentiment_score = %s, components = %s, version = %s "  # noqa: S608
                "WHERE feedback_id = %s",
                [(sent, score, field.get_db_prep_save(comps, connection), version, fid)
                 for sent, score, comps, fid in changed])


def analysis_refresh(*, on_total: Callable[[int], None] | None = None,
                     progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """What a refresh job does (ADR 0007, 0008): analyse feedback without an analysis, renew analyses outdated
    by a taxonomy edit or a switch of the sentiment or topic model from their stored vectors, and analyse the
    rest of the outdated ones in full. ``on_total`` gets the number of items first."""
    new, old = feedback_ids_needing_analysis(), feedback_ids_outdated()
    if on_total:
        on_total(len(new) + len(old))
    counts, rest = analysis_refresh_from_embeddings(feedback_ids=old, progress=progress)
    for k, v in feedback_analyze(feedback_ids=sorted(set(new) | set(rest)), progress=progress).items():
        counts[k] = counts.get(k, 0) + v
    return counts


def feedback_ids_needing_analysis(*, limit: int | None = None) -> list[int]:
    """Feedback without an analysis (new or imported)."""
    qs = Feedback.objects.filter(analysis__isnull=True).order_by("id").values_list("id", flat=True)
    return list(qs[:limit] if limit else qs)


def _outdated() -> Any:
    """Analyses made with other components or another taxonomy than the current pipeline's."""
    _, version = analysis_version(pipeline_get())
    return FeedbackAnalysis.objects.exclude(version=version)


def feedback_ids_outdated() -> list[int]:
    return list(_outdated().order_by("feedback_id").values_list("feedback_id", flat=True))


def analysis_outdated_count() -> int:
    return _outdated().count()


def analysis_enqueue_refresh(*, user: Any = None, label: str = "") -> int | None:
    """Bring every analysis up to date: one job for feedback without an analysis and feedback analysed with
    older components or an older taxonomy, found when the job runs (so a series of taxonomy edits shares one
    waiting job). Returns the job id, or None when such a job is already waiting."""
    from resonanz.analysis.tasks import analyze_feedback_task
    from resonanz.jobs.models import Job, JobStatus
    from resonanz.jobs.services import job_create

    if Job.objects.filter(kind="analysis", status=JobStatus.QUEUED, params__refresh=True).exists():
        return None
    job = job_create(kind="analysis", label=label or "Textanalyse: neue und veraltete Analysen", user=user,
                     params={"refresh": True})
    transaction.on_commit(lambda: analyze_feedback_task.enqueue(job_id=job.pk))
    return job.pk


JOB_CHUNK = 10_000


def analysis_enqueue(*, feedback_ids: Iterable[int] | None = None, user: Any = None, label: str = "") -> int | None:
    """Create job(s) and enqueue the analysis task on commit; ``None`` = every item without an analysis.
    Explicit ids are split into jobs of at most JOB_CHUNK items. Returns the first job's id."""
    from resonanz.analysis.tasks import analyze_feedback_task
    from resonanz.jobs.services import job_create

    if feedback_ids is None:
        chunks: list[list[int] | None] = [None]
    else:
        ids = list(feedback_ids)
        if not ids:
            return None
        chunks = [ids[i : i + JOB_CHUNK] for i in range(0, len(ids), JOB_CHUNK)]
    first: int | None = None
    for chunk in chunks:
        job = job_create(kind="analysis", label=label or "Textanalyse", user=user,
                         total=len(chunk) if chunk is not None else None,
                         params={"feedback_ids": chunk} if chunk is not None else {})
        job_id = job.pk
        transaction.on_commit(lambda job_id=job_id: analyze_feedback_task.enqueue(job_id=job_id))
        first = first or job_id
    return first


# ---- corrections ------------------------------------------------------------------------------------------
def correction_create(*, feedback: Feedback, kind: str, value: Any, user: Any,
                      origin: str = CorrectionOrigin.CORRECTION) -> Correction:
    """Store a human label. Validates the value; keeps what the model said for the quality page. ``origin``
    ``sample`` marks a label given in the random quality check (it may confirm the model)."""
    if kind not in CorrectionKind.values:
        raise ValueError(f"unknown correction kind {kind!r}")
    if origin not in CorrectionOrigin.values:
        raise ValueError(f"origin must be one of {', '.join(CorrectionOrigin.values)}")
    if origin == CorrectionOrigin.SAMPLE and Correction.objects.filter(
            feedback=feedback, kind=kind, origin=CorrectionOrigin.SAMPLE).exists():
        raise ValueError(f"feedback {feedback.pk} was already checked in the quality sample ({kind})")
    previous: Any = None
    analysis = FeedbackAnalysis.objects.filter(feedback=feedback).first()
    if kind == CorrectionKind.SENTIMENT:
        if value not in SENTIMENTS:
            raise ValueError("sentiment must be negative, neutral or positive")
        previous = analysis.sentiment if analysis else None
    elif kind == CorrectionKind.TOPICS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("topics must be a list of topic keys")
        if len(value) > MAX_TOPICS_PER_LABEL:
            raise ValueError(f"topics: at most {MAX_TOPICS_PER_LABEL} topic keys per item, got {len(value)}")
        unknown = set(value) - set(Topic.objects.filter(key__in=value).values_list("key", flat=True))
        if unknown:
            shown = sorted(unknown)[:10]
            more = f" and {len(unknown) - len(shown)} more" if len(unknown) > len(shown) else ""
            raise ValueError(f"unknown topics: {', '.join(k[:130] for k in shown)}{more}")
        previous = list(FeedbackTopic.objects.filter(feedback=feedback).values_list("topic__key", flat=True))
    elif kind == CorrectionKind.LANGUAGE:
        if not isinstance(value, str) or not LANGUAGE_CODE.match(value):
            raise ValueError("language must be a language code such as de, en or fr (2 or 3 lowercase letters) or other")
        previous = analysis.language if analysis else None
    elif kind == CorrectionKind.INTENT:
        if value not in INTENTS:
            raise ValueError(f"intent must be one of {', '.join(INTENTS)}")
        previous = analysis.intent if analysis else None
    elif kind == CorrectionKind.ASPECT:
        if (not isinstance(value, dict) or set(value) != {"topic", "sentiment"}
                or value["sentiment"] not in SENTIMENTS or not isinstance(value["topic"], str)):
            raise ValueError('aspect must be {"topic": <topic key>, "sentiment": negative | neutral | positive}')
        hit = FeedbackTopic.objects.filter(feedback=feedback, topic__key=value["topic"]).first()
        if hit is None and not Topic.objects.filter(key=value["topic"]).exists():
            raise ValueError(f"unknown topic: {value['topic']}")
        previous = {"topic": value["topic"], "sentiment": hit.sentiment} if hit and hit.sentiment else None
    return Correction.objects.create(feedback=feedback, kind=kind, value=value, previous=previous, origin=origin,
                                     created_by=user if getattr(user, "pk", None) else None)


@transaction.atomic
def review_submit(*, feedback: Feedback, sentiment: str, topics: list[str] | None, user: Any) -> list[Correction]:
    """Store the quality-check labels of one randomly drawn item: its sentiment and, when the analyst checked
    them, its topics (origin ``sample``). An item is checked once; a second submission is refused."""
    if not FeedbackAnalysis.objects.filter(feedback=feedback).exclude(sentiment="").exists():
        raise ValueError(f"feedback {feedback.pk} has no analysis to check")
    out = [correction_create(feedback=feedback, kind=CorrectionKind.SENTIMENT, value=sentiment, user=user,
                             origin=CorrectionOrigin.SAMPLE)]
    if topics is not None:
        out.append(correction_create(feedback=feedback, kind=CorrectionKind.TOPICS, value=list(topics), user=user,
                                     origin=CorrectionOrigin.SAMPLE))
    return out
