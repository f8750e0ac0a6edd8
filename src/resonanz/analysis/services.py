"""Writes for text analysis: run the core pipeline on feedback, store outputs with provenance, corrections,
and the taxonomy kept in the database.

Model outputs replace earlier model outputs of the same item; human ``Correction`` rows are never touched.
An item is re-analysed only when its text or the pipeline's component versions changed (``input_hash``).
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
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from resonanz.analysis.models import (
    Correction,
    CorrectionKind,
    CorrectionOrigin,
    FeedbackAnalysis,
    FeedbackEmbedding,
    FeedbackTopic,
    SuggestionStatus,
    Topic,
    TopicOrigin,
)
from resonanz.core.text.signals import INTENTS
from resonanz.feedback.models import Feedback

BATCH = 64
DECIDED_PREFIX = "discovery."  # FeedbackTopic.component of assignments an analyst decided (accepted suggestions)
SENTIMENTS = ("negative", "neutral", "positive")
MAX_TOPICS_PER_LABEL = 50
LANGUAGE_CODE = re.compile(r"^([a-z]{2,3}|other)\Z")
_pipelines: dict[str, Any] = {}
_pipeline_lock = threading.Lock()


# ---- taxonomy ---------------------------------------------------------------------------------------------
@transaction.atomic
def topics_ensure_default() -> int:
    """Seed the Topic table from the shipped default taxonomy when it is empty. Returns topics created."""
    if Topic.objects.exists():
        return 0
    from resonanz.core.text.taxonomy import Taxonomy

    tax = Taxonomy.load()
    created: dict[str, Topic] = {}
    for pos, t in enumerate(tax):
        created[t.key] = Topic.objects.create(
            key=t.key,
            parent=created.get(t.parent) if t.parent else None,
            name_de=t.name.get("de", t.key), name_en=t.name.get("en", t.key),
            description_de=t.description.get("de", ""), description_en=t.description.get("en", ""),
            examples_de=list(t.examples.get("de", [])), examples_en=list(t.examples.get("en", [])),
            keywords={lang: list(words) for lang, words in t.keywords.items()},
            origin=TopicOrigin.DEFAULT, position=pos,
        )
    return len(created)


def taxonomy_dict() -> dict[str, Any]:
    """The active taxonomy from the database in the core's JSON shape (parents before children)."""
    topics = list(Topic.objects.filter(active=True, merged_into__isnull=True).select_related("parent").order_by("position", "key"))
    keys = {t.key for t in topics}
    out = []
    for t in topics:
        out.append({
            "key": t.key,
            "parent": t.parent.key if t.parent and t.parent.key in keys else None,
            "name": {"de": t.name_de, "en": t.name_en},
            "description": {"de": t.description_de, "en": t.description_en},
            "examples": {"de": list(t.examples_de), "en": list(t.examples_en)},
            "keywords": dict(t.keywords or {}),
        })
    # parents first, so the core can validate references while loading
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()
    pending = out
    while pending:
        rest = []
        for item in pending:
            if item["parent"] is None or item["parent"] in placed:
                ordered.append(item)
                placed.add(item["key"])
            else:
                rest.append(item)
        if len(rest) == len(pending):  # a cycle cannot happen through the UI; keep going rather than loop
            ordered.extend({**r, "parent": None} for r in rest)
            break
        pending = rest
    return {"name": "resonanz-db", "version": 1, "topics": ordered}


def _taxonomy_file() -> tuple[str, str]:
    data = taxonomy_dict()
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha1(raw.encode()).hexdigest()[:12]  # noqa: S324 - a cache key, not security
    path = settings.DATA_DIR / "taxonomy" / f"taxonomy-{digest}.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(raw, encoding="utf-8")
        tmp.replace(path)
    return str(path), digest


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
    path, digest = _taxonomy_file()
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


def feedback_ids_outdated() -> list[int]:
    """Feedback analysed with other components or another taxonomy than the current pipeline's."""
    _, version = analysis_version(pipeline_get())
    return list(FeedbackAnalysis.objects.exclude(version=version).order_by("feedback_id").values_list(
        "feedback_id", flat=True))


def analysis_outdated_count() -> int:
    _, version = analysis_version(pipeline_get())
    return FeedbackAnalysis.objects.exclude(version=version).count()


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


def discovery_enqueue(*, user: Any = None, label: str = "") -> Any:
    """Create the job for topic discovery and enqueue it on commit."""
    from resonanz.analysis.tasks import discovery_task
    from resonanz.jobs.services import job_create

    job = job_create(kind="discovery", label=label or "Themenvorschläge suchen", user=user)
    transaction.on_commit(lambda: discovery_task.enqueue(job_id=job.pk))
    return job


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


def taxonomy_version() -> str:
    """A short key that changes whenever the taxonomy changes (cache invalidation for pages)."""
    last = Topic.objects.aggregate(m=Max("updated_at"))["m"]
    return f"{Topic.objects.count()}-{last.isoformat() if last else '0'}"


# ---- taxonomy editing -------------------------------------------------------------------------------------
@transaction.atomic
def topic_save(*, topic: Topic | None = None, **fields: Any) -> Topic:
    """Create or update a topic. ``examples_de`` / ``examples_en`` may be given as text, one example per line."""
    for lang in ("de", "en"):
        key = f"examples_{lang}"
        if isinstance(fields.get(key), str):
            fields[key] = [line.strip() for line in fields[key].splitlines() if line.strip()]
    topic = topic or Topic(origin=TopicOrigin.USER)
    for name, value in fields.items():
        setattr(topic, name, value)
    if topic.parent_id and topic.pk and (topic.parent_id == topic.pk or topic.pk in _ancestor_ids(topic.parent)):
        raise ValueError("a topic cannot be placed below itself or one of its sub-topics")
    try:
        topic.full_clean()
    except ValidationError as exc:
        raise ValueError("; ".join(f"{f}: {' '.join(m)}" for f, m in exc.message_dict.items())) from exc
    topic.save()
    _taxonomy_changed()
    return topic


def _taxonomy_changed() -> None:
    """Topics and aspect sentiment depend on the taxonomy: re-analyse the stored feedback (one waiting job)."""
    if FeedbackAnalysis.objects.exists():
        analysis_enqueue_refresh(label="Neuanalyse nach Änderung der Themen-Taxonomie")


def _ancestor_ids(topic: Topic | None) -> set[int]:
    seen: set[int] = set()
    while topic is not None and topic.pk not in seen:
        seen.add(topic.pk)
        topic = topic.parent
    return seen


def topic_key_for(*, name: str, parent: Topic | None) -> str:
    """A new, unused key for a topic called ``name`` (preferably its English name): the name as a slug, below
    the parent's key (``delivery.parcel_service``), numbered when taken. Raises ValueError when the name has no
    letters or digits to make a key from."""
    from django.utils.text import slugify

    base = slugify(name).replace("-", "_")[:40].strip("_")
    if not base:
        raise ValueError(f"cannot make a topic key from the name {name!r}: it needs letters or digits")
    base = f"{parent.key}.{base}" if parent else base
    base = base[:120]
    key, n = base, 2
    while Topic.objects.filter(key=key).exists():
        key, n = f"{base}_{n}", n + 1
    return key


@transaction.atomic
def topic_merge(*, source: Topic, target: Topic) -> int:
    """Merge ``source`` into ``target``: assignments move (no duplicates), examples are combined, children are
    re-parented, and ``source`` stops being offered. Returns how many assignments moved."""
    if source.pk == target.pk:
        raise ValueError("a topic cannot be merged into itself")
    if source.pk in _ancestor_ids(target.parent):  # merging a topic into one of its own sub-topics
        target.parent = source.parent
    already = set(FeedbackTopic.objects.filter(topic=target).values_list("feedback_id", flat=True))
    FeedbackTopic.objects.filter(topic=source, feedback_id__in=already).delete()
    moved = FeedbackTopic.objects.filter(topic=source).update(topic=target)
    target.examples_de = list(dict.fromkeys([*target.examples_de, *source.examples_de]))
    target.examples_en = list(dict.fromkeys([*target.examples_en, *source.examples_en]))
    target.save()
    Topic.objects.filter(parent=source).exclude(pk=target.pk).update(parent=target)
    source.merged_into = target
    source.active = False
    source.save()
    _taxonomy_changed()
    return moved


@transaction.atomic
def topic_split(*, topic: Topic, names: list[tuple[str, str]]) -> list[Topic]:
    """Split a topic into sub-topics (German and English name each) under it; the parent stays as the
    umbrella. The next analysis run assigns texts to the new sub-topics."""
    if len(names) < 2:
        raise ValueError("a split needs at least two new topics")
    created = []
    for de, en in names:
        created.append(Topic.objects.create(
            key=topic_key_for(name=en or de, parent=topic), parent=topic, name_de=de, name_en=en or de, origin=TopicOrigin.USER, position=topic.position,
            description_de=de, description_en=en or de,
        ))
    _taxonomy_changed()
    return created


# ---- discovery --------------------------------------------------------------------------------------------
def discovery_run(*, days: int | None = 365, max_items: int = 20_000, min_size: int = 5) -> int:
    """Cluster recent feedback without any topic into suggestions (replaces the open suggestions)."""
    from datetime import timedelta

    from django.utils import timezone

    from resonanz.analysis.models import TopicSuggestion
    from resonanz.core.text.discovery import discover

    qs = FeedbackEmbedding.objects.filter(feedback__topic_hits__isnull=True)
    if days:
        qs = qs.filter(feedback__received_at__gte=timezone.now() - timedelta(days=days))
    rows = list(qs.order_by("-feedback__received_at").values_list(
        "feedback_id", "vector", "feedback__text", "feedback__text_redacted", "feedback__analysis__language",
        "feedback__analysis__sentiment_score")[:max_items])
    TopicSuggestion.objects.filter(status=SuggestionStatus.OPEN).delete()
    if not rows:
        return 0
    ids = [r[0] for r in rows]
    X = np.vstack([np.frombuffer(bytes(r[1]), dtype=np.float16).astype(np.float32) for r in rows])
    texts = [(r[3] or r[2] or "") for r in rows]  # suggestions quote the redacted text
    found = discover(texts, X, languages=[r[4] for r in rows], sentiment_scores=[r[5] for r in rows],
                     min_size=min_size)
    for s in found:
        members = [ids[i] for i in s.member_indices]
        quotes = []
        for q in s.quotes:
            idx = next((i for i in s.member_indices if texts[i].strip() == q), None)
            quotes.append({"feedback_id": ids[idx] if idx is not None else None, "text": q})
        TopicSuggestion.objects.create(
            label=s.label[:200], terms=s.terms, size=s.size, mean_sentiment=s.mean_sentiment, quotes=quotes,
            member_ids=members[:5000], languages=s.languages, coherence=s.coherence,
            component="discovery.kmeans-ctfidf.v1",
        )
    return len(found)


def _check_open(suggestion: Any) -> None:
    if suggestion.status != SuggestionStatus.OPEN:
        raise ValueError(f"suggestion {suggestion.pk} was already decided ({suggestion.status})")


@transaction.atomic
def suggestion_accept(*, suggestion: Any, name_de: str, name_en: str, parent: Topic | None, user: Any) -> Topic:
    """Turn a suggestion into a topic (its quotes become examples) and assign its members to it."""
    _check_open(suggestion)
    try:
        final = topic_key_for(name=name_en or name_de, parent=parent)
    except ValueError:
        final = topic_key_for(name=f"topic {suggestion.pk}", parent=parent)
    examples = [q["text"][:300] for q in suggestion.quotes]
    topic = Topic.objects.create(
        key=final, parent=parent, name_de=name_de, name_en=name_en or name_de, origin=TopicOrigin.DISCOVERED,
        description_de=", ".join(suggestion.terms[:6]), description_en=", ".join(suggestion.terms[:6]),
        examples_de=examples, examples_en=examples, position=999,
    )
    FeedbackTopic.objects.bulk_create(
        [FeedbackTopic(feedback_id=fid, topic=topic, score=1.0, component="discovery.accepted.v1") for fid in suggestion.member_ids],
        ignore_conflicts=True,
    )
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.topic = topic
    suggestion.decided_by = user if getattr(user, "pk", None) else None
    suggestion.save()
    _taxonomy_changed()
    return topic


@transaction.atomic
def suggestion_merge(*, suggestion: Any, target: Topic, user: Any) -> Topic:
    """Add a suggestion to an existing topic: its quotes become examples, its members get the topic."""
    _check_open(suggestion)

    target.examples_de = list(dict.fromkeys([*target.examples_de, *[q["text"][:300] for q in suggestion.quotes]]))
    target.save()
    FeedbackTopic.objects.bulk_create(
        [FeedbackTopic(feedback_id=fid, topic=target, score=1.0, component="discovery.merged.v1") for fid in suggestion.member_ids],
        ignore_conflicts=True,
    )
    suggestion.status = SuggestionStatus.MERGED
    suggestion.topic = target
    suggestion.decided_by = user if getattr(user, "pk", None) else None
    suggestion.save()
    _taxonomy_changed()
    return target


def suggestion_reject(*, suggestion: Any, user: Any) -> None:
    _check_open(suggestion)
    suggestion.status = SuggestionStatus.REJECTED
    suggestion.decided_by = user if getattr(user, "pk", None) else None
    suggestion.save(update_fields=["status", "decided_by"])
