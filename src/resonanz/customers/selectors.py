"""Reads for customers: the searchable list, key figures and the unified 360° timeline.

The timeline merges typed items from several sources (journey events, orders, feedback; later cases) by
time, newest first. Every source is a function ``(customer_id, cursor, limit) -> list[TimelineItem]``
that returns at most ``limit + 1`` of its newest items before the cursor; merging those and cutting at
``limit`` is exact, and a page costs one query per source whatever the customer's history holds.
To add a source (e.g. cases), write such a function and append it to ``TIMELINE_SOURCES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from resonanz.customers.models import Customer, Order
from resonanz.feedback import selectors as feedback_selectors
from resonanz.feedback.selectors import label
from resonanz.journeys import selectors as journey_selectors

# ------------------------------------------------------------------------------------------------ list


def customer_list(
    *, q: str = "", country: str = "", region: str = "", gender: str | None = None, age_band: str | None = None
) -> QuerySet[Customer]:
    """Customers matching a search (name, e-mail, customer number: case-insensitive substring) and filters.

    ``gender``/``age_band`` None means "any"; the empty string selects "unknown".
    """
    qs = Customer.objects.order_by("-created_at", "-id")
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(external_id__icontains=q))
    if country:
        qs = qs.filter(country__iexact=country)
    if region:
        qs = qs.filter(region=region)
    if gender is not None:
        qs = qs.filter(gender=gender)
    if age_band is not None:
        qs = qs.filter(age_band=age_band)
    return qs.defer("attributes")


def country_choices() -> list[str]:
    return [c for c in Customer.objects.order_by("country").values_list("country", flat=True).distinct() if c]


def region_choices() -> list[str]:
    return [r for r in Customer.objects.order_by("region").values_list("region", flat=True).distinct() if r]


def customer_get(*, customer_id: int) -> Customer:
    return Customer.objects.get(pk=customer_id)


# ------------------------------------------------------------------------------------------ key figures


@dataclass(frozen=True)
class Revenue:
    currency: str
    orders: int
    total: Decimal
    average: Decimal


@dataclass(frozen=True)
class KeyFigures:
    """Figures of one customer. Revenue is per currency (amounts in different currencies are not added)."""

    orders_count: int
    revenue: list[Revenue]
    first_order_at: datetime | None
    last_order_at: datetime | None
    feedback_count: int
    latest_nps: int | None
    latest_nps_at: datetime | None


def customer_key_figures(*, customer_id: int) -> KeyFigures:
    """Orders (count, revenue and average order value per currency, first/last), feedback count, latest NPS.
    Three queries."""
    per_currency = list(
        Order.objects.filter(customer_id=customer_id).values("currency")
        .annotate(n=Count("id"), total=Sum("amount"), first=Min("ordered_at"), last=Max("ordered_at"))
        .order_by("-n", "currency")
    )
    revenue = [
        Revenue(r["currency"], r["n"], r["total"] or Decimal(0),
                (r["total"] / r["n"]).quantize(Decimal("0.01")) if r["n"] else Decimal(0))
        for r in per_currency
    ]
    firsts = [r["first"] for r in per_currency if r["first"]]
    lasts = [r["last"] for r in per_currency if r["last"]]
    fb = feedback_selectors.feedback_stats_for_customer(customer_id=customer_id)
    return KeyFigures(
        orders_count=sum(r.orders for r in revenue), revenue=revenue,
        first_order_at=min(firsts) if firsts else None, last_order_at=max(lasts) if lasts else None,
        feedback_count=fb["count"], latest_nps=fb["latest_nps"], latest_nps_at=fb["latest_nps_at"],
    )


# ------------------------------------------------------------------------------------------------ timeline

KIND_ORDER = {"event": 0, "order": 1, "feedback": 2}  # tie-break for equal timestamps; new kinds get new ranks


@dataclass(frozen=True)
class Cursor:
    """Position in the timeline: items strictly "older" than (at, kind, id) in the order (at, kind, id) desc."""

    at: datetime
    kind: str
    id: int

    def encode(self) -> str:
        return f"{self.at.isoformat()}~{self.kind}~{self.id}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        """Parse ``encode()``'s output; None for a missing or malformed cursor (= start at the newest)."""
        if not raw:
            return None
        try:
            at, kind, pk = raw.rsplit("~", 2)
            parsed = datetime.fromisoformat(at)
            if kind not in KIND_ORDER or parsed.tzinfo is None:
                return None
            return cls(parsed, kind, int(pk))
        except ValueError:
            return None

    def before_q(self, kind: str, time_field: str) -> Q:
        """Rows of ``kind`` that sort after this cursor (are older)."""
        older = Q(**{f"{time_field}__lt": self.at})
        rank, mine = KIND_ORDER[self.kind], KIND_ORDER[kind]
        if mine < rank:
            return older | Q(**{time_field: self.at})
        if mine == rank:
            return older | Q(**{time_field: self.at, "id__lt": self.id})
        return older


@dataclass
class TimelineItem:
    """One entry: ``kind`` says which template renders it, ``obj`` is the row, ``at`` the time it happened,
    ``extra`` display labels (channel, touchpoint … names in the UI language)."""

    kind: str
    at: datetime
    id: int
    obj: Any
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[datetime, int, int]:
        return (self.at, KIND_ORDER[self.kind], self.id)

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, self.kind, self.id)


TimelineSource = Callable[[int, Cursor | None, int, dict[str, Any]], list[TimelineItem]]


def _events(customer_id: int, cursor: Cursor | None, limit: int, ctx: dict[str, Any]) -> list[TimelineItem]:
    qs = journey_selectors.event_list_for_customer(customer_id=customer_id)
    if cursor:
        qs = qs.filter(cursor.before_q("event", "occurred_at"))
    rows = qs.select_related("touchpoint__channel").order_by("-occurred_at", "-id")[: limit + 1]
    lang = ctx["language"]
    return [
        TimelineItem("event", e.occurred_at, e.pk, e, {
            "touchpoint": label(e.touchpoint, lang), "stage": label(e.stage, lang),
            "channel": label(e.touchpoint.channel if e.touchpoint else None, lang),
        })
        for e in rows
    ]


def _orders(customer_id: int, cursor: Cursor | None, limit: int, ctx: dict[str, Any]) -> list[TimelineItem]:
    qs = Order.objects.filter(customer_id=customer_id).select_related("channel")
    if cursor:
        qs = qs.filter(cursor.before_q("order", "ordered_at"))
    rows = qs.order_by("-ordered_at", "-id")[: limit + 1]
    return [TimelineItem("order", o.ordered_at, o.pk, o, {"channel": label(o.channel, ctx["language"])}) for o in rows]


def _feedback(customer_id: int, cursor: Cursor | None, limit: int, ctx: dict[str, Any]) -> list[TimelineItem]:
    qs = feedback_selectors.feedback_list_for_customer(customer_id=customer_id)
    if cursor:
        qs = qs.filter(cursor.before_q("feedback", "received_at"))
    rows = feedback_selectors.attach_shown_text(
        qs.order_by("-received_at", "-id")[: limit + 1], original=ctx["original_text"], language=ctx["language"]
    )
    return [TimelineItem("feedback", f.received_at, f.pk, f) for f in rows]


TIMELINE_SOURCES: list[TimelineSource] = [_events, _orders, _feedback]


@dataclass(frozen=True)
class TimelinePage:
    items: list[TimelineItem]
    next_cursor: str | None  # pass as ``before`` to get the next (older) page; None = no more


def customer_timeline(
    *, customer_id: int, before: str | None = None, limit: int = 50, original_text: bool = False,
    language: str = "de",
) -> TimelinePage:
    """One page of the customer's merged timeline (newest first), one query per source.

    ``before`` is the ``next_cursor`` of the previous page; ``original_text`` decides which feedback text
    the items carry (see ``feedback.selectors.shown_text``); ``language`` the names of channels etc.
    (precomputed into ``item.extra`` so the template needs no per-item includes).
    """
    cursor = Cursor.decode(before)
    ctx = {"original_text": original_text, "language": language}
    merged: list[TimelineItem] = []
    for source in TIMELINE_SOURCES:
        merged.extend(source(customer_id, cursor, limit, ctx))
    merged.sort(key=lambda item: item.sort_key, reverse=True)
    page = merged[:limit]
    more = len(merged) > limit
    return TimelinePage(page, page[-1].cursor.encode() if more and page else None)
