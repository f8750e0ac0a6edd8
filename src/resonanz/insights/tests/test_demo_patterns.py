"""The planted demo patterns are visible through the dashboard selectors without tuning (docs/demo-data.md).

Loads a 1,500-customer demo once per module, runs the real text analysis over its feedback, computes the
overview / customers selectors (the same code the pages use) and removes the demo data again before the
assertions run, so other tests keep an empty database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def demo_results(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    from django.conf import settings

    from resonanz.analysis.models import Topic
    from resonanz.analysis.services import feedback_analyze
    from resonanz.customers.models import Customer
    from resonanz.demo.loader import demo_load, demo_reset
    from resonanz.feedback.models import Feedback
    from resonanz.insights import selectors, value
    from resonanz.insights.filters import GlobalFilter
    from resonanz.insights.warehouse import warehouse_reset

    old = (getattr(settings, "RESONANZ_WAREHOUSE_PATH", None), getattr(settings, "RESONANZ_WAREHOUSE_MAX_AGE", None))
    settings.RESONANZ_WAREHOUSE_PATH = str(tmp_path_factory.mktemp("wh") / "demo.duckdb")
    settings.RESONANZ_WAREHOUSE_MAX_AGE = 0
    with django_db_blocker.unblock():
        had_topics = Topic.objects.exists()
        try:
            warehouse_reset()
            value.cache_clear()
            demo_load(seed=42, customers=1500)
            feedback_analyze(feedback_ids=list(Feedback.objects.values_list("id", flat=True)))
            wh = selectors.get_warehouse()
            gf = GlobalFilter.build(period="all")
            overview = selectors.overview(gf, wh=wh)
            wave = selectors.overview(GlobalFilter.build(period="custom", date_from=date(2026, 3, 1),
                                                          date_to=date(2026, 3, 31)), wh=wh)
            cv = value.customers_value()
            persona = {c.id: (c.attributes or {}).get("demo_persona") for c in Customer.objects.only("id", "attributes")}
            per = cv["per_customer"].assign(persona=lambda d: d["customer_id"].map(persona))
            yield {"overview": overview, "wave": wave, "customers": cv, "per": per}
        finally:
            demo_reset()
            while not had_topics and Topic.objects.exists():  # parents are PROTECTed: leaves first
                Topic.objects.filter(children__isnull=True).delete()
            warehouse_reset()
            value.cache_clear()
            selectors._driver_cache.clear()
            settings.RESONANZ_WAREHOUSE_PATH, settings.RESONANZ_WAREHOUSE_MAX_AGE = old


def test_delivery_wave_is_an_alert_in_march_2026_in_bayern(demo_results):
    alerts = demo_results["wave"].alerts
    hits = [a for a in alerts if "region" in a["dims"] and a["alert"].key[a["dims"].index("region")] == "Bayern"
            and a["alert"].bucket == date(2026, 3, 1) and a["alert"].direction == "up"
            and any(k.startswith("delivery") for k in a["alert"].key)]
    assert hits, [(a["label"], a["metric"], a["alert"].bucket) for a in alerts]
    # and over all time the March/Bayern delivery alert is among the alerts too
    assert any(a["alert"].bucket == date(2026, 3, 1) and "Bayern" in a["alert"].key
               for a in demo_results["overview"].alerts)


def test_returns_are_the_top_negative_driver_of_nps(demo_results):
    o = demo_results["overview"]
    assert o.topics_negative[0]["key"] == "returns_refunds"
    top = next(r for r in o.drivers if r["key"] == "returns_refunds")
    assert top["impact"] < -3 and top["quadrant"] == "fix first"
    assert max(o.drivers, key=lambda r: r["importance"])["key"] == "returns_refunds"


def test_high_value_segment_stands_out_in_clv(demo_results):
    per = demo_results["per"]
    mean = per.groupby("persona")["clv"].mean()
    assert mean["alpin_profi"] > 2.5 * mean["standard"]
    top_tier_share = (per[per["value_tier"] == "A"]["persona"] == "alpin_profi").mean()
    base_share = (per["persona"] == "alpin_profi").mean()
    assert top_tier_share > 4 * base_share
    tiers = [r["seg"] for r in demo_results["customers"]["by_segment"]]
    assert tiers[0] == "A"
    model = per.groupby("persona")["model_clv"].mean()
    assert model["alpin_profi"] > 1.5 * model["standard"]


def test_demo_churn_model_and_cohorts_are_defined(demo_results):
    cv = demo_results["customers"]
    assert cv["risk"] and all(0 <= r["risk"] <= 1 and r["factors"] for r in cv["risk"])
    assert not cv["retention"].empty
