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
            results, vectors = pipe.analyze_with_embeddings(batch)
            _store(todo, results, vectors, topic_ids, pipe, version)
            counts["analysed"] += len(todo)
        if progress:
            progress(len(chunk))
    return counts


@transaction.atomic
def _store(todo: list[tuple[Feedback, str]], results: list[Any], vectors: np.ndarray,
           topic_ids: dict[str, int], pipe: Any, version: str = "") -> None:
    ids = [fb.id for fb, _ in todo]
    FeedbackAnalysis.objects.filter(feedback_id__in=ids).delete()
    # model rows are replaced; topics assigned by an analyst's decision (an accepted topic suggestion) stay,
    # unless the model now assigns the same topic itself
    FeedbackTopic.objects.filter(feedback_id__in=ids).exclude(component__startswith=DECIDED_PREFIX).delete()
    decided = set(FeedbackTopic.objects.filter(feedback_id__in=ids).values_list("feedback_id", "topic_id"))
    FeedbackEmbedding.objects.filter(feedback_id__in=ids).delete()
    analyses, hits, embeddings = [], [], []
    topics_component = pipe.components().get("topics", "")
    for (fb, digest), r, vec in zip(todo, results, vectors, strict=True):
        analyses.append(FeedbackAnalysis(
            feedback_id=fb.id, language=r.language or "", language_score=r.language_score,
            sentiment=r.sentiment or "", sentiment_score=r.sentiment_score,
            emotions=[{"name": e.name, "score": e.score} for e in r.emotions],
            intent=r.intent or "", urgent=bool(r.urgent), pii_types=list(r.pii), truncated=r.truncated,
            components=r.components or {}, input_hash=digest, version=version,
        ))
        for h in r.topics:
            if h.name in topic_ids:
                hits.append(FeedbackTopic(
                    feedback_id=fb.id, topic_id=topic_ids[h.name], score=h.score, sentiment=h.sentiment or "",
                    sentiment_score=h.sentiment_score, component=topics_component,
                ))
        if r.language is not None:
            embeddings.append(FeedbackEmbedding(
                feedback_id=fb.id, vector=np.asarray(vec, dtype=np.float16).tobytes(),
                component=(r.components or {}).get("embed", ""),
            ))
        redacted = r.redacted_text or ""
        if redacted != (fb.text or "") or fb.language != (r.language or fb.language):
            Feedback.objects.filter(pk=fb.id).update(
                text_redacted=redacted if redacted != (fb.text or "") else "",
                language=fb.language or (r.language or ""),
            )
    replaced = [(h.feedback_id, h.topic_id) for h in hits if (h.feedback_id, h.topic_id) in decided]
    for fid, tid in replaced:
        FeedbackTopic.objects.filter(feedback_id=fid, topic_id=tid).delete()
    FeedbackAnalysis.objects.bulk_create(analyses)
    FeedbackTopic.objects.bulk_create(hits)
    FeedbackEmbedding.objects.bulk_create(embeddings)


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
