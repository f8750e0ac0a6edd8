"""The generator is deterministic, produces the promised volumes and only valid reference codes."""

from __future__ import annotations

import re
import time
from collections import Counter

from resonanz.demo.gen import END, START, TOPICS, generate
from resonanz.demo.gen.model import SENTIMENTS
from resonanz.demo.tests._data import world
from resonanz.feedback.defaults import SOURCES
from resonanz.journeys.defaults import CHANNELS, STAGES, TOUCHPOINTS


def test_same_seed_gives_identical_data():
    a, b = generate(seed=7, customers=250), generate(seed=7, customers=250)
    assert a.customers == b.customers
    assert a.orders == b.orders
    assert a.events == b.events
    assert a.feedback == b.feedback


def test_different_seed_gives_different_data():
    a, b = generate(seed=7, customers=250), generate(seed=8, customers=250)
    assert [c.name for c in a.customers] != [c.name for c in b.customers]
    assert [f.text for f in a.feedback] != [f.text for f in b.feedback]


def test_small_world_customers_are_a_prefix_of_the_big_world():
    small, big = generate(seed=5, customers=60), generate(seed=5, customers=180)
    assert small.customers == big.customers[:60]


def test_default_size_volumes_are_reached_quickly():
    t0 = time.process_time()  # CPU time: stable on a busy machine
    d = generate(seed=42, customers=5000)
    elapsed = time.process_time() - t0
    counts = d.counts()
    assert counts["customers"] == 5000
    assert counts["orders"] >= 10_000
    assert counts["events"] >= 50_000
    assert counts["feedback"] >= 8_000
    assert elapsed < 20, f"generation took {elapsed:.1f}s CPU"


def test_events_use_default_touchpoints_and_all_five_phases():
    d = world()
    tps = {t[0] for t in TOUCHPOINTS}
    stage_of = {t[0]: t[3] for t in TOUCHPOINTS}
    assert {e.touchpoint for e in d.events} <= tps
    assert {e.stage for e in d.events} == {s[0] for s in STAGES}
    assert all(e.stage == stage_of[e.touchpoint] for e in d.events[:20000] if e.type != "account_closed")
    types = Counter(e.type for e in d.events)
    for t in ("ad_impression", "social_click", "page_view", "review_read", "newsletter_open", "store_visit", "chat_started",
              "cart_add", "cart_abandoned", "checkout_started", "order_placed", "payment_failed", "order_confirmation_sent",
              "shipped", "delivered", "delivery_delayed", "invoice_sent", "return_requested", "refund_issued",
              "service_contact", "warranty_claim", "review_written", "subscription_cancelled", "account_closed"):
        assert types[t] > 0, t
    assert types["order_placed"] == len(d.orders)


def test_records_are_consistent_and_inside_the_demo_window():
    d = world()
    assert len({c.external_id for c in d.customers}) == len(d.customers)
    assert d.customers[0].external_id == "K-100001"
    assert len({o.external_id for o in d.orders}) == len(d.orders)
    assert len({e.external_id for e in d.events}) == len(d.events)
    assert [f.dedupe_key for f in d.feedback[:3]] == ["demo:1", "demo:2", "demo:3"]
    assert len({f.dedupe_key for f in d.feedback}) == len(d.feedback)
    assert all(START <= e.occurred_at <= END for e in d.events)
    assert all(START <= o.ordered_at <= END for o in d.orders)
    assert all(START <= f.received_at <= END for f in d.feedback)
    assert max(c.created_at for c in d.customers) <= END
    countries = Counter(c.country for c in d.customers)
    assert set(countries) == {"DE", "AT", "CH", "GB", "US"}
    assert countries["DE"] > countries["CH"] > countries["GB"]
    by_id = {c.external_id: c for c in d.customers}
    assert all((o.currency == "CHF") == (by_id[o.customer].country == "CH") for o in d.orders)
    assert all(o.amount > 0 for o in d.orders)
    assert {o.channel for o in d.orders} <= {c[0] for c in CHANNELS}


def test_customer_fields_look_real():
    d = world()
    de = [c for c in d.customers if c.country == "DE"]
    assert all(re.fullmatch(r"\d{5}", c.postcode) for c in de)
    assert all(re.fullmatch(r"\d{4}", c.postcode) for c in d.customers if c.country in ("AT", "CH"))
    assert all("@" in c.email for c in d.customers if c.email)
    assert any(c.phone.startswith("+41") for c in d.customers) and any(c.phone.startswith("+43") for c in d.customers)
    assert Counter(c.region for c in de).most_common(1)[0][0] in ("Bayern", "Nordrhein-Westfalen")
    assert {c.acquisition_source for c in d.customers} == {"search", "social", "referral", "store", "newsletter", "marketplace"}
    assert all(c.consent_marketing_at is not None for c in d.customers if c.consent_marketing)
    assert all({"loyalty_member", "newsletter", "preferred_category"} <= set(c.attributes) for c in d.customers)
    assert 0.1 < sum(c.preferred_language == "en" for c in d.customers) / len(d.customers) < 0.3


def test_feedback_has_ground_truth_and_valid_scores_per_source():
    d = world()
    sources = {s[0] for s in SOURCES}
    for f in d.feedback:
        assert f.source in sources
        assert set(f.properties["demo_topics"]) <= set(TOPICS)
        assert f.properties["demo_sentiment"] in SENTIMENTS
        assert f.nps is None or 0 <= f.nps <= 10
        assert f.csat is None or 1 <= f.csat <= 5
        assert f.ces is None or 1 <= f.ces <= 7
        assert f.rating is None or 1 <= f.rating <= 5
    assert all(f.nps is not None for f in d.feedback if f.source == "nps_survey")
    assert all(f.rating is not None for f in d.feedback if f.source in ("review_site", "app_store"))
    assert all(f.nps is f.csat is f.ces is f.rating is None for f in d.feedback if f.source in ("social", "ticket", "chat", "call"))
    en = sum(f.language == "en" for f in d.feedback) / len(d.feedback)
    assert 0.15 < en < 0.26
