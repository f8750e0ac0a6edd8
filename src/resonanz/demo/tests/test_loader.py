"""The loader writes the generated world into the database once, and resets on request."""

from __future__ import annotations

import pytest

from resonanz.customers.models import Customer, Order
from resonanz.demo.gen import generate
from resonanz.demo.loader import demo_load
from resonanz.feedback.models import Feedback
from resonanz.journeys.models import Event


@pytest.mark.django_db
def test_demo_load_writes_the_generated_counts_and_skips_when_loaded():
    expected = generate(seed=42, customers=300).counts()
    result = demo_load(seed=42, customers=300)
    assert result["created"] == expected
    assert Customer.objects.count() == expected["customers"]
    assert Order.objects.count() == expected["orders"]
    assert Event.objects.count() == expected["events"]
    assert Feedback.objects.count() == expected["feedback"]
    c = Customer.objects.get(external_id="K-100001")
    assert c.attributes["demo_seed"] == 42
    f = Feedback.objects.select_related("source").get(dedupe_key="demo:1")
    assert f.source.code and "demo_topics" in f.properties and f.created_at is not None and f.text_redacted == ""
    assert Event.objects.filter(type="order_placed", touchpoint__code="app_checkout").exists()
    assert Event.objects.filter(touchpoint__isnull=True).count() == 0
    assert Order.objects.filter(currency="CHF").exists()
    e = Event.objects.filter(type="order_placed").order_by("occurred_at").first()
    assert e.value == Order.objects.order_by("ordered_at").first().amount

    again = demo_load(seed=42, customers=300)
    assert again["skipped"] and "already loaded" in again["reason"]
    other = demo_load(seed=43, customers=300)
    assert other["skipped"] and "reset" in other["reason"]
    assert Customer.objects.count() == expected["customers"]

    replaced = demo_load(seed=43, customers=100, reset=True)
    assert replaced["deleted"]["customers"] >= expected["customers"]
    assert replaced["created"] == generate(seed=43, customers=100).counts()
    assert Customer.objects.get(external_id="K-100001").attributes["demo_seed"] == 43
