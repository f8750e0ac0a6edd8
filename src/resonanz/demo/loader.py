"""Write the generated Gipfelwerk demo world into the database (fast: bulk inserts in one transaction).

The demo is marked by its customers: external ids ``K-100001`` … and ``attributes["demo_seed"]``. Loading
again is a no-op (for the same or another seed: remove the old demo with ``reset=True`` first, which deletes
*all* customers, orders, events and feedback). Reference data (stages, channels, touchpoints, feedback
sources) comes from the migrations and is looked up by code; missing codes are created from the defaults.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from resonanz.customers.models import Customer, Order
from resonanz.demo.gen import DemoData, generate
from resonanz.feedback.defaults import SOURCES
from resonanz.feedback.models import Feedback, FeedbackSource
from resonanz.journeys.defaults import CHANNELS, STAGES, TOUCHPOINTS
from resonanz.journeys.models import Channel, Event, JourneyStage, Touchpoint

MARKER_ID = "K-100001"
BATCH = 2000


@dataclass
class DemoLoadResult:
    """What :func:`demo_load` did: ``created`` counts per table, or ``skipped`` with the reason."""

    seed: int
    customers: int
    created: dict[str, int] = field(default_factory=dict)
    skipped: bool = False
    reason: str = ""
    deleted: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "customers": self.customers, "created": self.created, "skipped": self.skipped,
                "reason": self.reason, "deleted": self.deleted, "seconds": round(self.seconds, 2)}


def demo_loaded_seed() -> int | None:
    """The seed of the demo data in the database, or ``None`` when there is none."""
    c = Customer.objects.filter(external_id=MARKER_ID).only("attributes").first()
    if c is None:
        return None
    seed = (c.attributes or {}).get("demo_seed")
    return int(seed) if seed is not None else -1


def demo_reset() -> dict[str, int]:
    """Delete all feedback, events, orders and customers (the demo's tables), children first."""
    out = {}
    for label, model in (("feedback", Feedback), ("events", Event), ("orders", Order), ("customers", Customer)):
        out[label] = model.objects.all().delete()[0]
    return out


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None

    @contextmanager
    def run(self) -> Iterator[_Progress]:
        if not self.enabled:
            yield self
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
            self.bar = bar
            yield self

    def task(self, label: str, total: int) -> Any:
        return self.bar.add_task(label, total=total) if self.bar else None

    def advance(self, task: Any, n: int) -> None:
        if self.bar is not None and task is not None:
            self.bar.advance(task, n)


def _reference() -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int]]:
    stages = {s.code: s.pk for s in JourneyStage.objects.all()}
    for pos, (code, de, en, dde, den) in enumerate(STAGES, start=1):
        if code not in stages:
            stages[code] = JourneyStage.objects.create(code=code, name_de=de, name_en=en, description_de=dde,
                                                       description_en=den, position=pos).pk
    channels = {c.code: c.pk for c in Channel.objects.all()}
    for code, de, en, online in CHANNELS:
        if code not in channels:
            channels[code] = Channel.objects.create(code=code, name_de=de, name_en=en, online=online).pk
    tps = {t.code: t.pk for t in Touchpoint.objects.all()}
    for code, de, en, stage, ch in TOUCHPOINTS:
        if code not in tps:
            tps[code] = Touchpoint.objects.create(code=code, name_de=de, name_en=en, stage_id=stages[stage],
                                                  channel_id=channels[ch]).pk
    sources = {s.code: s.pk for s in FeedbackSource.objects.all()}
    for code, name, kind in SOURCES:
        if code not in sources:
            sources[code] = FeedbackSource.objects.create(code=code, name=name, kind=kind).pk
    return stages, channels, tps, sources


def _bulk(model: Any, objs: list[Any], progress: _Progress, label: str) -> int:
    task = progress.task(label, len(objs))
    for i in range(0, len(objs), BATCH):
        model.objects.bulk_create(objs[i : i + BATCH])
        progress.advance(task, len(objs[i : i + BATCH]))
    return len(objs)


def _adapter(f: Any) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(f, models.DateTimeField):
        return lambda v: None if v is None else ops.adapt_datetimefield_value(v)
    if isinstance(f, models.DecimalField):
        return lambda v: None if v is None else ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
    if isinstance(f, models.JSONField):
        return lambda v: f.get_db_prep_save(v, connection)
    return lambda v: v


def _raw_insert(model: Any, fields: list[str], rows: Iterable[tuple], total: int, progress: _Progress, label: str) -> int:
    """Insert plain rows with ``executemany`` (10x faster than ``bulk_create`` for 100k+ rows).

    ``fields`` names the model fields the rows fill (FKs as ``<name>_id`` attnames); every other concrete
    field gets its default (``auto_now_add`` fields: now), so new fields with defaults do not break the loader.
    """
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    given = [by_attname[a] for a in fields]
    adapters = [_adapter(f) for f in given]
    now = timezone.now()
    extra_cols, extra_vals = [], []
    for f in meta.concrete_fields:
        if f.attname in fields or f.primary_key:
            continue
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            value = now
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            continue
        else:
            value = "" if isinstance(f, models.CharField | models.TextField) else None
        extra_cols.append(f.column)
        extra_vals.append(f.get_db_prep_save(value, connection))
    qn = connection.ops.quote_name
    cols = [f.column for f in given] + extra_cols
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in cols)}) "
           f"VALUES ({', '.join(['%s'] * len(cols))})")
    tail = tuple(extra_vals)
    task = progress.task(label, total)
    n = 0
    batch: list[tuple] = []
    with connection.cursor() as cur:
        for row in rows:
            batch.append(tuple(a(v) for a, v in zip(adapters, row, strict=True)) + tail)
            if len(batch) >= BATCH:
                cur.executemany(sql, batch)
                n += len(batch)
                progress.advance(task, len(batch))
                batch = []
        if batch:
            cur.executemany(sql, batch)
            n += len(batch)
            progress.advance(task, len(batch))
    return n


def write_demo_data(data: DemoData, progress: bool = False) -> dict[str, int]:
    """Insert ``data`` (no checks; call inside a transaction). Returns the created counts."""
    stages, channels, tps, sources = _reference()
    pr = _Progress(progress)
    counts: dict[str, int] = {}
    with pr.run():
        cust_objs = [Customer(
            external_id=c.external_id, name=c.name, email=c.email, phone=c.phone, birth_year=c.birth_year,
            age_band=c.age_band, gender=c.gender, postcode=c.postcode, city=c.city, region=c.region, country=c.country,
            preferred_language=c.preferred_language, acquisition_source=c.acquisition_source,
            consent_marketing=c.consent_marketing, consent_marketing_at=c.consent_marketing_at,
            consent_feedback_contact=c.consent_feedback_contact, consent_feedback_contact_at=c.consent_feedback_contact_at,
            attributes=c.attributes, created_at=c.created_at) for c in data.customers]
        counts["customers"] = _bulk(Customer, cust_objs, pr, "Kunden")
        ids = {o.external_id: o.pk for o in cust_objs}
        if any(pk is None for pk in ids.values()):  # a backend that does not return ids from bulk inserts
            keys = list(ids)
            for i in range(0, len(keys), 500):
                ids.update(Customer.objects.filter(external_id__in=keys[i : i + 500]).values_list("external_id", "pk"))
        counts["orders"] = _raw_insert(
            Order, ["external_id", "customer_id", "ordered_at", "amount", "currency", "items_count", "channel_id"],
            ((o.external_id, ids[o.customer], o.ordered_at, o.amount, o.currency, o.items_count, channels.get(o.channel))
             for o in data.orders), len(data.orders), pr, "Bestellungen")
        counts["events"] = _raw_insert(
            Event, ["external_id", "customer_id", "occurred_at", "touchpoint_id", "stage_id", "type", "value", "properties"],
            ((e.external_id, ids[e.customer], e.occurred_at, tps.get(e.touchpoint or ""), stages.get(e.stage or ""), e.type,
              e.value, e.properties) for e in data.events), len(data.events), pr, "Journey-Ereignisse")
        counts["feedback"] = _raw_insert(
            Feedback, ["source_id", "channel_id", "touchpoint_id", "customer_id", "received_at", "title", "text", "language",
                       "nps", "csat", "ces", "rating", "properties", "external_id", "dedupe_key"],
            ((sources[f.source], channels.get(f.channel or ""), tps.get(f.touchpoint or ""),
              ids[f.customer] if f.customer else None, f.received_at, f.title[:500], f.text, f.language, f.nps, f.csat,
              f.ces, f.rating, f.properties, f.external_id, f.dedupe_key) for f in data.feedback),
            len(data.feedback), pr, "Feedback")
    return counts


def demo_load(seed: int = 42, customers: int = 5000, reset: bool = False, progress: bool = False) -> dict[str, Any]:
    """Generate the Gipfelwerk demo world for ``seed`` and write it, unless demo data is already there.

    Returns a dict: ``created`` counts per table (customers, orders, events, feedback), ``skipped`` and
    ``reason`` when nothing was written, ``deleted`` counts after a reset, and ``seconds``.
    """
    t0 = time.perf_counter()
    result = DemoLoadResult(seed=seed, customers=customers)
    existing = None if reset else demo_loaded_seed()
    if existing is not None:
        result.skipped = True
        if existing == seed:
            n = Customer.objects.filter(attributes__demo_seed=seed).count()
            result.reason = f"demo data for seed {existing} is already loaded ({n} demo customers)"
        elif existing == -1:
            result.reason = f"customer {MARKER_ID} exists but is not demo data; use reset=True to replace all data"
        else:
            result.reason = f"demo data for another seed ({existing}) is loaded; use reset=True to replace it"
        if progress:
            from rich.console import Console

            Console(stderr=True).print(f"[yellow]Demo: {result.reason} – nothing to do.[/yellow]")
        result.seconds = time.perf_counter() - t0
        return result.as_dict()
    data = generate(seed=seed, customers=customers)  # before deleting anything
    with transaction.atomic():
        if reset:
            result.deleted = demo_reset()
        result.created = write_demo_data(data, progress=progress)
    result.seconds = time.perf_counter() - t0
    if progress:
        from rich.console import Console

        c = result.created
        Console(stderr=True).print(
            f"[green]Demo loaded (seed {seed}): {c['customers']} Kunden, {c['orders']} Bestellungen, "
            f"{c['events']} Ereignisse, {c['feedback']} Feedbacks in {result.seconds:.1f} s[/green]")
    return result.as_dict()
