"""Writes for the topic taxonomy kept in the database and for topic discovery: seeding the default taxonomy,
editing (create, change, merge, split), discovery runs and the decisions on their suggestions.

Topics and aspect sentiment depend on the taxonomy, so every change queues the renewal of the stored analyses
(``services.analysis_enqueue_refresh``, ADR 0007). Keys are stable and dotted below a parent (``delivery.delay``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from resonanz.analysis.models import (
    FeedbackAnalysis,
    FeedbackEmbedding,
    FeedbackTopic,
    SuggestionStatus,
    Topic,
    TopicOrigin,
)


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


def taxonomy_file() -> tuple[str, str]:
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


def discovery_enqueue(*, user: Any = None, label: str = "") -> Any:
    """Create the job for topic discovery and enqueue it on commit."""
    from resonanz.analysis.tasks import discovery_task
    from resonanz.jobs.services import job_create

    job = job_create(kind="discovery", label=label or "Themenvorschläge suchen", user=user)
    transaction.on_commit(lambda: discovery_task.enqueue(job_id=job.pk))
    return job


def taxonomy_version() -> str:
    """A short key that changes whenever the taxonomy changes (cache invalidation for pages)."""
    last = Topic.objects.aggregate(m=Max("updated_at"))["m"]
    return f"{Topic.objects.count()}-{last.isoformat() if last else '0'}"


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
    from resonanz.analysis.services import (
        analysis_enqueue_refresh,  # services builds pipelines from this module
    )

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
    _assign_members(suggestion, topic, SuggestionStatus.ACCEPTED, user)
    return topic


@transaction.atomic
def suggestion_merge(*, suggestion: Any, target: Topic, user: Any) -> Topic:
    """Add a suggestion to an existing topic: its quotes become examples, its members get the topic."""
    _check_open(suggestion)
    target.examples_de = list(dict.fromkeys([*target.examples_de, *[q["text"][:300] for q in suggestion.quotes]]))
    target.save()
    _assign_members(suggestion, target, SuggestionStatus.MERGED, user)
    return target


def _assign_members(suggestion: Any, topic: Topic, status: str, user: Any) -> None:
    """The analyst's decision: the suggestion's members get ``topic`` (kept through re-analysis, component
    ``discovery.<status>.v1``), the suggestion is marked decided, and the stored analyses are renewed."""
    FeedbackTopic.objects.bulk_create(
        [FeedbackTopic(feedback_id=fid, topic=topic, score=1.0, component=f"discovery.{status}.v1")
         for fid in suggestion.member_ids],
        ignore_conflicts=True,
    )
    suggestion.status = status
    suggestion.topic = topic
    suggestion.decided_by = user if getattr(user, "pk", None) else None
    suggestion.save()
    _taxonomy_changed()


def suggestion_reject(*, suggestion: Any, user: Any) -> None:
    _check_open(suggestion)
    suggestion.status = SuggestionStatus.REJECTED
    suggestion.decided_by = user if getattr(user, "pk", None) else None
    suggestion.save(update_fields=["status", "decided_by"])
