"""Write the generated Gipfelwerk demo world into the database (fast: bulk inserts in one transaction).

The demo is marked by its customers: external ids ``K-100001`` … and ``attributes["demo_seed"]``. Loading
again is a no-op (for the same or another seed: remove the old demo with ``reset=True`` first, which deletes
*all* customers, orders, events and feedback). Reference data (stages, channels, touchpoints, feedback
sources) comes from the migrations and is looked up by code; missing codes are created from the defaults.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

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


def _bulk(model: Any, objs: Iterable[Any], total: int, progress: _Progress, label: str) -> int:
    task = progress.task(label, total)
    batch: list[Any] = []
    n = 0
    for o in objs:
        batch.append(o)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            n += len(batch)
            progress.advance(task, len(batch))
            batch = []
    if batch:
        model.objects.bulk_create(batch)
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
        counts["customers"] = _bulk(Customer, cust_objs, len(cust_objs), pr, "Kunden")
        ids = {o.external_id: o.pk for o in cust_objs}
        if any(pk is None for pk in ids.values()):  # a backend that does not return ids from bulk inserts
            keys = list(ids)
            for i in range(0, len(keys), 500):
                ids.update(Customer.objects.filter(external_id__in=keys[i : i + 500]).values_list("external_id", "pk"))
        counts["orders"] = _bulk(Order, (Order(
            external_id=o.external_id, customer_id=ids[o.customer], ordered_at=o.ordered_at, amount=o.amount,
            currency=o.currency, items_count=o.items_count, channel_id=channels.get(o.channel)) for o in data.orders),
            len(data.orders), pr, "Bestellungen")
        counts["events"] = _bulk(Event, (Event(
            external_id=e.external_id, customer_id=ids[e.customer], occurred_at=e.occurred_at,
            touchpoint_id=tps.get(e.touchpoint) if e.touchpoint else None,
            stage_id=stages.get(e.stage) if e.stage else None, type=e.type, value=e.value, properties=e.properties)
            for e in data.events), len(data.events), pr, "Journey-Ereignisse")
        counts["feedback"] = _bulk(Feedback, (Feedback(
            source_id=sources[f.source], channel_id=channels.get(f.channel) if f.channel else None,
            touchpoint_id=tps.get(f.touchpoint) if f.touchpoint else None,
            customer_id=ids[f.customer] if f.customer else None, received_at=f.received_at, title=f.title[:500],
            text=f.text, language=f.language, nps=f.nps, csat=f.csat, ces=f.ces, rating=f.rating,
            properties=f.properties, external_id=f.external_id, dedupe_key=f.dedupe_key) for f in data.feedback),
            len(data.feedback), pr, "Feedback")
    return counts


def demo_load(seed: int = 42, customers: int = 5000, reset: bool = False, progress: bool = False) -> dict[str, Any]:
    """Generate the Gipfelwerk demo world for ``seed`` and write it, unless demo data is already there.

    Returns a dict: ``created`` counts per table (customers, orders, events, feedback), ``skipped`` and
    ``reason`` when nothing was written, ``deleted`` counts after a reset, and ``seconds``.
    """
    t0 = time.perf_counter()
    result = DemoLoadResult(seed=seed, customers=customers)
    if reset:
        with transaction.atomic():
            result.deleted = demo_reset()
    existing = demo_loaded_seed()
    if existing is not None:
        result.skipped = True
        result.reason = (f"demo data for seed {existing} is already loaded" if existing == seed else
                         f"demo data for another seed ({existing}) is loaded; use reset=True to replace it")
        if progress:
            from rich.console import Console

            Console(stderr=True).print(f"[yellow]Demo: {result.reason} – nothing to do.[/yellow]")
        result.seconds = time.perf_counter() - t0
        return result.as_dict()
    data = generate(seed=seed, customers=customers)
    with transaction.atomic():
        result.created = write_demo_data(data, progress=progress)
    result.seconds = time.perf_counter() - t0
    if progress:
        from rich.console import Console

        c = result.created
        Console(stderr=True).print(
            f"[green]Demo loaded (seed {seed}): {c['customers']} Kunden, {c['orders']} Bestellungen, "
            f"{c['events']} Ereignisse, {c['feedback']} Feedbacks in {result.seconds:.1f} s[/green]")
    return result.as_dict()
