"""Customer list and 360° page: search/filters, key figures, the merged timeline, permissions, queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from resonanz.customers.models import Customer, Order
from resonanz.customers.selectors import Cursor, customer_key_figures, customer_timeline
from resonanz.feedback.models import Feedback, FeedbackSource
from resonanz.journeys.models import Event

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2025, 5, 1, 12, 0, tzinfo=BERLIN)


def test_anonymous_redirect_norole_403_viewer_200(client, norole_client, viewer_client, make_customer):
    c = make_customer()
    for url in ("/customers/", f"/customers/{c.pk}/", f"/customers/{c.pk}/timeline/"):
        assert client.get(url).status_code == 302
        assert norole_client.get(url).status_code == 403
        assert viewer_client.get(url).status_code == 200


def test_search_by_name_email_and_customer_number(viewer_client, make_customer):
    make_customer(name="Erika Mustermann", email="erika@example.de", external_id="K-1")
    make_customer(name="Max Meier", email="max@example.de", external_id="K-2")
    for q in ("mustermann", "ERIKA@", "K-1"):
        html = viewer_client.get("/customers/", {"q": q}).content.decode()
        assert "Erika Mustermann" in html and "Max Meier" not in html, q


def test_filters_country_region_gender_age_band_and_unknown(viewer_client, make_customer):
    make_customer(name="A", country="DE", region="Bayern", gender="f", age_band="25-34")
    make_customer(name="B", country="AT", region="Tirol", gender="m", age_band="")
    def names(**params):
        html = viewer_client.get("/customers/", params, headers={"HX-Request": "true"}).content.decode()
        return {n for n in ("A", "B") if f">{n}</a>" in html}
    assert names(country="DE") == {"A"}
    assert names(region="Tirol") == {"B"}
    assert names(gender="f") == {"A"}
    assert names(age_band="unknown") == {"B"}
    assert names() == {"A", "B"}


def test_key_figures_per_currency_first_last_and_latest_nps(make_customer, make_order, make_feedback):
    c = make_customer()
    make_order(customer=c, amount="10.00", ordered_at=T0)
    make_order(customer=c, amount="30.00", ordered_at=T0 + timedelta(days=3))
    make_order(customer=c, amount="5.00", currency="CHF", ordered_at=T0 - timedelta(days=1))
    make_feedback(customer=c, nps=4, received_at=T0)
    make_feedback(customer=c, nps=9, received_at=T0 + timedelta(days=1))
    make_feedback(customer=c, received_at=T0 + timedelta(days=2))
    f = customer_key_figures(customer_id=c.pk)
    assert f.orders_count == 3
    eur = next(r for r in f.revenue if r.currency == "EUR")
    assert (eur.orders, eur.total, eur.average) == (2, Decimal("40.00"), Decimal("20.00"))
    assert f.first_order_at == T0 - timedelta(days=1) and f.last_order_at == T0 + timedelta(days=3)
    assert (f.feedback_count, f.latest_nps) == (3, 9)


def test_key_figures_of_a_customer_without_anything(make_customer):
    f = customer_key_figures(customer_id=make_customer().pk)
    assert (f.orders_count, f.revenue, f.first_order_at, f.feedback_count, f.latest_nps) == (0, [], None, 0, None)


def test_timeline_merges_events_orders_and_feedback_newest_first(make_customer, make_event, make_order,
                                                                 make_feedback):
    c = make_customer()
    e = make_event(customer=c, occurred_at=T0, type="page_view", touchpoint="product_page")
    o = make_order(customer=c, ordered_at=T0 + timedelta(hours=1), amount="49.90")
    f = make_feedback(customer=c, received_at=T0 + timedelta(hours=2), nps=8)
    page = customer_timeline(customer_id=c.pk)
    assert [(i.kind, i.id) for i in page.items] == [("feedback", f.pk), ("order", o.pk), ("event", e.pk)]
    assert page.next_cursor is None


def test_timeline_pages_cover_every_item_exactly_once_even_with_equal_timestamps(make_customer, make_event,
                                                                                 make_order, make_feedback):
    c = make_customer()
    for i in range(7):
        at = T0 + timedelta(minutes=i // 3)  # groups of equal timestamps across kinds
        make_event(customer=c, occurred_at=at)
        make_order(customer=c, ordered_at=at)
        make_feedback(customer=c, received_at=at)
    seen, before = [], None
    while True:
        page = customer_timeline(customer_id=c.pk, before=before, limit=4)
        seen.extend((i.kind, i.id) for i in page.items)
        if not page.next_cursor:
            break
        before = page.next_cursor
    assert len(seen) == 21 and len(set(seen)) == 21
    full = customer_timeline(customer_id=c.pk, limit=100).items
    assert seen == [(i.kind, i.id) for i in full]


def test_malformed_cursor_starts_from_the_newest():
    assert Cursor.decode("nonsense") is None
    assert Cursor.decode("2025-01-01T00:00:00~order~x") is None


def test_360_page_shows_profile_consents_figures_and_timeline(viewer_client, make_customer, make_event,
                                                              make_order, make_feedback):
    c = make_customer(name="Erika Muster", consent_marketing=True, consent_marketing_at=T0,
                      attributes={"loyalty_tier": "gold"})
    make_event(customer=c, occurred_at=T0, type="store_visit", touchpoint="store_advice")
    make_order(customer=c, ordered_at=T0 + timedelta(hours=1), amount="49.90")
    make_feedback(customer=c, received_at=T0 + timedelta(hours=2), nps=10, text="Super Beratung")
    html = viewer_client.get(f"/customers/{c.pk}/").content.decode()
    assert "Erika Muster" in html and "loyalty_tier" in html and "gold" in html
    assert "store_visit" in html and "49,90 EUR" in html and "Super Beratung" in html
    tl = html[html.index('id="timeline"'):]
    assert tl.index("Super Beratung") < tl.index("49,90 EUR") < tl.index("store_visit")


def test_timeline_load_more_returns_a_fragment_for_htmx(viewer_client, make_customer, make_event):
    c = make_customer()
    for i in range(55):
        make_event(customer=c, occurred_at=T0 + timedelta(minutes=i), type=f"t{i:02d}")
    html = viewer_client.get(f"/customers/{c.pk}/").content.decode()
    assert "t54" in html and "t04" not in html and "load-more" in html
    cursor = customer_timeline(customer_id=c.pk).next_cursor
    frag = viewer_client.get(f"/customers/{c.pk}/timeline/", {"before": cursor},
                             headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in frag and "t04" in frag and "t00" in frag and "t05" not in frag
    assert "load-more" not in frag


def bulk_history(customer: Customer, n: int) -> None:
    src = FeedbackSource.objects.get(code="nps_survey")
    now = timezone.now()
    Event.objects.bulk_create([Event(external_id=f"e{customer.pk}-{i}", customer=customer, type="page_view",
                                     occurred_at=now - timedelta(minutes=i)) for i in range(n)])
    Order.objects.bulk_create([Order(external_id=f"o{customer.pk}-{i}", customer=customer, amount=Decimal("9.99"),
                                     ordered_at=now - timedelta(minutes=i)) for i in range(n)])
    Feedback.objects.bulk_create([Feedback(source=src, customer=customer, received_at=now - timedelta(minutes=i),
                                           text=f"t{i}", nps=i % 11, dedupe_key=f"f{customer.pk}-{i}")
                                  for i in range(n)])


CUSTOMER_360_QUERIES = 12  # session, user, 2× perms, role (nav), customer, orders, 2× feedback figures, 3 timeline


def test_360_uses_a_fixed_number_of_queries_whatever_the_history_size(viewer_client, django_assert_num_queries,
                                                                      make_customer):
    small, large = make_customer(), make_customer()
    bulk_history(small, 3)
    bulk_history(large, 2000)
    for c in (small, large):
        with django_assert_num_queries(CUSTOMER_360_QUERIES):
            assert viewer_client.get(f"/customers/{c.pk}/").status_code == 200


def test_customer_list_uses_a_fixed_number_of_queries(viewer_client, django_assert_num_queries):
    Customer.objects.bulk_create([Customer(external_id=f"c{i}", name=f"n{i}", created_at=timezone.now(),
                                           country="DE") for i in range(60)])
    with django_assert_num_queries(9):
        viewer_client.get("/customers/")
    Customer.objects.bulk_create([Customer(external_id=f"d{i}", name=f"n{i}", created_at=timezone.now(),
                                           country="AT") for i in range(2000)])
    with django_assert_num_queries(9):
        viewer_client.get("/customers/")
