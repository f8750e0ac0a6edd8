"""The analytical copy follows the operational database: new rows, re-analysis, deletions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from resonanz.analysis.models import FeedbackAnalysis, FeedbackTopic, Topic
from resonanz.core.warehouse.kpi import KpiFilter, nps_by, scores_by
from resonanz.core.warehouse.store import Warehouse
from resonanz.customers.models import Customer
from resonanz.feedback.models import Feedback, FeedbackSource
from resonanz.insights.warehouse import warehouse_sync
from resonanz.journeys.models import Channel, Touchpoint

pytestmark = pytest.mark.django_db


def _fb(n: int, nps: int, when: datetime, **kw) -> Feedback:
    return Feedback.objects.create(
        source=FeedbackSource.objects.get(code="nps_survey"), received_at=when, nps=nps,
        text=f"text {n}", dedupe_key=f"t:{n}", **kw
    )


def test_sync_copies_feedback_with_dimensions_and_tracks_changes() -> None:
    wh = Warehouse()
    when = timezone.make_aware(datetime(2026, 3, 10, 12, 0))
    cust = Customer.objects.create(external_id="K1", region="Bayern", country="DE", created_at=when)
    web = Channel.objects.get(code="website")
    delivery = Touchpoint.objects.get(code="delivery")
    a = _fb(1, 10, when, channel=web, touchpoint=delivery, customer=cust)
    b = _fb(2, 2, when + timedelta(days=1), channel=web)
    _fb(3, 8, when + timedelta(days=40))

    counts = warehouse_sync(wh=wh)
    assert counts["feedback"] == 3
    df = nps_by(wh, ["month"]).set_index("month")
    assert list(df["n"]) == [2, 1]
    region = nps_by(wh, [], KpiFilter(regions=["Bayern"]))
    assert int(region["n"].iloc[0]) == 1 and region["nps"].iloc[0] == pytest.approx(100.0)
    tp = nps_by(wh, ["touchpoint", "stage"]).set_index("touchpoint")
    assert tp.loc["delivery", "stage"] == "post_purchase"

    # re-analysis of an existing item and a topic assignment reach the copy on the next sync
    topic = Topic.objects.create(key="delivery", name_de="Lieferung", name_en="Delivery")
    FeedbackAnalysis.objects.create(feedback=b, sentiment="negative", sentiment_score=-0.9, components={}, input_hash="x")
    FeedbackTopic.objects.create(feedback=b, topic=topic, score=0.9, sentiment="negative", component="t.v1")
    warehouse_sync(wh=wh)
    s = scores_by(wh, [], KpiFilter(channels=["website"]))
    assert int(s["negative"].iloc[0]) == 1
    by_topic = nps_by(wh, ["topic"]).set_index("topic")
    assert int(by_topic.loc["delivery", "n"]) == 1 and by_topic.loc["delivery", "nps"] == pytest.approx(-100.0)

    # a deletion upstream disappears with a full sync
    a.delete()
    warehouse_sync(wh=wh, full=True)
    assert wh.count("feedback") == 2
    assert int(nps_by(wh, [], KpiFilter(regions=["Bayern"]))["n"].iloc[0]) == 0


def test_sync_of_empty_database_is_defined() -> None:
    wh = Warehouse()
    assert warehouse_sync(wh=wh) == {"feedback_topic": 0}
    overall = nps_by(wh)
    assert int(overall["n"].iloc[0]) == 0
