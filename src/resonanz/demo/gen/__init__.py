"""Deterministic demo-data generator for the fictional outdoor retailer Gipfelwerk (pure Python, no Django).

``generate(seed, customers)`` returns a :class:`DemoData` with customers, orders, journey events and
feedback; the same seed and size always give identical data. Customer *i* only depends on the seed and *i*,
so a small world is the prefix of a bigger one (except for the global numbering of orders, events and
feedback, which follows time).
"""

from __future__ import annotations

from resonanz.demo.gen.customers import make_customer
from resonanz.demo.gen.feedback import feedback_for, hostile, unlinked_social
from resonanz.demo.gen.journeys import simulate
from resonanz.demo.gen.model import (
    COMPANY,
    END,
    START,
    TOPICS,
    DemoCustomer,
    DemoData,
    DemoEvent,
    DemoFeedback,
    DemoOrder,
)

__all__ = [
    "COMPANY", "END", "START", "TOPICS", "DemoCustomer", "DemoData", "DemoEvent", "DemoFeedback", "DemoOrder", "generate",
]


def generate(seed: int = 42, customers: int = 5000) -> DemoData:
    """Build the whole demo world for ``seed`` with ``customers`` customers."""
    custs = [make_customer(seed, i) for i in range(customers)]
    journeys = [simulate(c, seed) for c in custs]
    orders = sorted((o for j in journeys for o in j.orders), key=lambda o: o.ordered_at)
    for n, o in enumerate(orders):
        o.external_id = f"GW-{4000001 + n}"
    feedback: list[DemoFeedback] = []
    events: list[DemoEvent] = []
    for c, j in zip(custs, journeys, strict=True):
        fb, extra = feedback_for(c, j, seed)
        feedback += fb
        events += j.events
        events += extra
        if j.churned_at is not None:
            c.attributes["demo_churn"] = j.churn_kind
    feedback += unlinked_social(seed, max(10, customers // 12))
    feedback += hostile(seed)
    feedback.sort(key=lambda f: f.received_at)
    for n, f in enumerate(feedback, start=1):
        f.seq = n
        if not f.external_id:
            f.external_id = f"FB-{n:06d}"
    events.sort(key=lambda e: e.occurred_at)
    for n, e in enumerate(events, start=1):
        e.external_id = f"EV-{n:07d}"
        o = e.properties.get("order")
        if o is not None:
            e.properties["order"] = o.external_id
    return DemoData(seed=seed, customers=custs, orders=orders, events=events, feedback=feedback)
