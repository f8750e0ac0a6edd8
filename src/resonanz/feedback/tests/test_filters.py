"""FeedbackFilter: every parameter, its validation and the PII-aware search."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from resonanz.feedback.filters import FeedbackFilter
from resonanz.feedback.models import Feedback

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db


def run(query: str, request=None) -> FeedbackFilter:
    return FeedbackFilter(QueryDict(query), queryset=Feedback.objects.order_by("id"), request=request)


def ids(fs: FeedbackFilter) -> list[int]:
    assert fs.is_valid(), fs.errors
    return [f.pk for f in fs.qs]


def test_channel_filter_accepts_repeated_and_comma_separated_codes(make_feedback):
    a = make_feedback(channel="email")
    b = make_feedback(channel="chat")
    make_feedback(channel="phone")
    assert ids(run("channel=email&channel=chat")) == [a.pk, b.pk]
    assert ids(run("channel=email,chat")) == [a.pk, b.pk]


def test_unknown_channel_code_is_a_form_error_not_a_500(make_feedback):
    fs = run("channel=nope")
    assert not fs.is_valid()
    assert "channel" in fs.errors


def test_source_touchpoint_and_stage_filters(make_feedback):
    a = make_feedback(source="review_site", touchpoint="delivery")
    b = make_feedback(source="ticket", touchpoint="online_checkout")
    assert ids(run("source=review_site")) == [a.pk]
    assert ids(run("touchpoint=online_checkout")) == [b.pk]
    assert ids(run("stage=post_purchase")) == [a.pk]
    assert ids(run("stage=purchase")) == [b.pk]


@pytest.mark.parametrize("start,end", [("2025-03-01", "2025-03-31"), ("01.03.2025", "31.03.2025"), ("1.3.25", "31.3.25")])
def test_date_range_is_inclusive_and_accepts_iso_and_german_dates(make_feedback, start, end):
    make_feedback(received_at=datetime(2025, 2, 28, 23, 59, tzinfo=BERLIN))
    first = make_feedback(received_at=datetime(2025, 3, 1, 0, 0, tzinfo=BERLIN))
    last = make_feedback(received_at=datetime(2025, 3, 31, 23, 59, 59, tzinfo=BERLIN))
    make_feedback(received_at=datetime(2025, 4, 1, 0, 0, tzinfo=BERLIN))
    assert ids(run(f"received_from={start}&received_to={end}")) == [first.pk, last.pk]


def test_unparseable_date_and_reversed_range_are_form_errors():
    assert "received_from" in run("received_from=32.13.2025").errors
    assert "received_to" in run("received_from=2025-03-02&received_to=2025-03-01").errors


def test_score_bounds_are_inclusive(make_feedback):
    low = make_feedback(nps=6, csat=2, ces=3, rating=1)
    high = make_feedback(nps=9, csat=5, ces=7, rating=5)
    assert ids(run("nps_min=9")) == [high.pk]
    assert ids(run("nps_max=6")) == [low.pk]
    assert ids(run("csat_min=2&csat_max=2")) == [low.pk]
    assert ids(run("ces_min=7")) == [high.pk]
    assert ids(run("rating_max=1")) == [low.pk]


@pytest.mark.parametrize("query,field", [("nps_max=11", "nps_max"), ("csat_min=0", "csat_min"),
                                         ("ces_max=8", "ces_max"), ("nps_min=abc", "nps_min"),
                                         ("nps_min=9&nps_max=3", "nps_max")])
def test_out_of_scale_or_non_numeric_scores_are_form_errors(query, field):
    fs = run(query)
    assert not fs.is_valid()
    assert field in fs.errors


def test_language_customer_and_has_text(make_feedback, make_customer):
    c = make_customer(external_id="K-42")
    a = make_feedback(language="en", customer=c, text="hello")
    b = make_feedback(language="de", text="")
    assert ids(run("language=EN")) == [a.pk]
    assert ids(run("customer=K-42")) == [a.pk]
    assert ids(run("has_text=true")) == [a.pk]
    assert ids(run("has_text=false")) == [b.pk]


def test_q_searches_title_and_text_case_insensitively_including_umlauts(make_feedback):
    a = make_feedback(title="Lieferung", text="kam spät")
    b = make_feedback(text="Über die Rückgabe bin ich froh")
    make_feedback(text="alles gut")
    assert ids(run("q=LIEFERUNG")) == [a.pk]
    assert ids(run("q=SPÄT")) == [a.pk]
    assert ids(run("q=über")) == [b.pk]


class _Req:
    def __init__(self, user):
        self.user = user


def test_q_for_users_without_original_text_does_not_match_redacted_pii(make_feedback, viewer, agent):
    fb = make_feedback(text="Ich bin Anna Schmidt", text_redacted="Ich bin [NAME]")
    assert ids(run("q=Schmidt", _Req(viewer))) == []
    assert ids(run("q=Schmidt", _Req(agent))) == [fb.pk]


@pytest.mark.django_db
def test_analysis_filters_select_by_sentiment_topic_with_subtopics_emotion_intent_urgency_and_region() -> None:
    from datetime import datetime

    from django.utils import timezone

    from resonanz.analysis.models import FeedbackAnalysis, FeedbackTopic, Topic
    from resonanz.customers.models import Customer
    from resonanz.feedback.filters import FeedbackFilter
    from resonanz.feedback.models import Feedback, FeedbackSource

    src = FeedbackSource.objects.get(code="manual")
    when = timezone.make_aware(datetime(2026, 3, 1))
    bayern = Customer.objects.create(external_id="K-B", region="Bayern", created_at=when)
    a = Feedback.objects.create(source=src, received_at=when, text="a", dedupe_key="fa", customer=bayern)
    b = Feedback.objects.create(source=src, received_at=when, text="b", dedupe_key="fb")
    Feedback.objects.create(source=src, received_at=when, text="c (not analysed)", dedupe_key="fc")
    FeedbackAnalysis.objects.create(feedback=a, sentiment="negative", intent="complaint", urgent=True,
                                    emotions=[{"name": "anger", "score": 0.8}], components={}, input_hash="x")
    FeedbackAnalysis.objects.create(feedback=b, sentiment="positive", intent="praise",
                                    emotions=[{"name": "joy", "score": 0.7}], components={}, input_hash="y")
    delivery = Topic.objects.create(key="delivery", name_de="Lieferung", name_en="Delivery")
    delay = Topic.objects.create(key="delivery.delay", name_de="Verspätung", name_en="Delay", parent=delivery)
    FeedbackTopic.objects.create(feedback=a, topic=delay, score=0.9, component="t.v1")

    def ids(**params: object) -> set[str]:
        f = FeedbackFilter(params, queryset=Feedback.objects.all())
        assert f.is_valid(), f.errors
        return set(f.qs.values_list("dedupe_key", flat=True))

    assert ids(sentiment=["negative"]) == {"fa"}
    assert ids(sentiment=["negative", "positive"]) == {"fa", "fb"}
    assert ids(topic="delivery") == {"fa"} and ids(topic="delivery.delay") == {"fa"} and ids(topic="deliv") == set()
    assert ids(emotion="anger") == {"fa"} and ids(emotion="joy") == {"fb"}
    assert ids(intent="praise") == {"fb"} and ids(urgent="true") == {"fa"}
    assert ids(region="Bayern") == {"fa"}
    bad = FeedbackFilter({"sentiment": ["awful"]}, queryset=Feedback.objects.all())
    assert not bad.is_valid() and "sentiment" in bad.errors
