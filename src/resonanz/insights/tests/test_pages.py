"""Insights pages: permissions, empty and odd data (never a 500, never NaN), escaping, filters, exports."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from resonanz.analysis.models import FeedbackTopic, Topic
from resonanz.insights import selectors
from resonanz.insights.filters import GlobalFilter

pytestmark = pytest.mark.django_db
PAGES = ["/", "/insights/customers/"]


def _ok(html: str) -> None:
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)
    assert "inf" not in re.findall(r"\b(inf)\b", html)


def test_anonymous_is_redirected_and_user_without_role_gets_403(client, norole_client):
    for url in [*PAGES, "/insights/topics/delivery/", "/insights/export/kpis.csv", "/insights/report.pdf"]:
        assert client.get(url).status_code == 302, url
        assert norole_client.get(url).status_code == 403, url


def test_viewer_sees_every_dashboard(viewer_client, make_feedback):
    make_feedback(nps=9)
    Topic.objects.create(key="delivery", name_de="Lieferung", name_en="Delivery")
    for url in [*PAGES, "/insights/topics/delivery/"]:
        assert viewer_client.get(url).status_code == 200, url


def test_unknown_topic_is_404(viewer_client):
    assert viewer_client.get("/insights/topics/nope/").status_code == 404


def test_empty_database_shows_empty_states(viewer_client):
    html = viewer_client.get("/").content.decode()
    assert "Noch keine Daten" in html
    _ok(html)
    html = viewer_client.get("/insights/customers/").content.decode()
    assert "Noch keine Kunden" in html
    _ok(html)
    assert viewer_client.get("/insights/report.pdf").content.startswith(b"%PDF")


def test_single_response_gives_defined_tiles_and_low_sample(viewer_client, make_feedback):
    make_feedback(nps=10, received_at=timezone.now() - timedelta(days=3))
    o = selectors.overview(GlobalFilter.build(period="90"))
    nps = next(t for t in o.tiles if t.key == "nps")
    assert nps.value == 100.0 and nps.n == 1 and nps.low is not None and nps.high <= 100
    assert nps.comparison is not None and nps.comparison.value_a is None and not nps.comparison.significant
    csat = next(t for t in o.tiles if t.key == "csat")
    assert csat.value is None and csat.n == 0
    html = viewer_client.get("/?f=1&period=90").content.decode()
    assert 'id="kpi-nps"' in html
    _ok(html)


def test_all_neutral_scores_give_zero_nps_and_no_drivers(viewer_client, make_feedback):
    topic = Topic.objects.create(key="price", name_de="Preis", name_en="Price")
    for i in range(40):
        fb = make_feedback(nps=7 + i % 2, csat=3, ces=4, received_at=timezone.now() - timedelta(days=i))
        FeedbackTopic.objects.create(feedback=fb, topic=topic, score=0.9, sentiment="neutral", component="t")
    o = selectors.overview(GlobalFilter.build(period="90"))
    nps = next(t for t in o.tiles if t.key == "nps")
    assert nps.value == 0.0 and nps.n == 40
    assert [r["key"] for r in o.drivers] == ["price"]
    assert o.drivers[0]["impact"] is None and o.drivers[0]["importance"] == 0.0  # nobody without the topic
    assert o.topics_negative == [] and o.topics_positive == []
    _ok(viewer_client.get("/?f=1&period=90").content.decode())
    _ok(viewer_client.get("/insights/topics/price/").content.decode())


def test_feedback_without_any_scores(viewer_client, make_feedback):
    make_feedback(text="nur Text", received_at=timezone.now() - timedelta(days=1))
    o = selectors.overview(GlobalFilter.build(period="30"))
    assert all(t.value is None for t in o.tiles if t.key in ("nps", "csat", "ces"))
    assert o.trend == [] and o.channels[0]["volume"] == 1
    html = viewer_client.get("/?f=1&period=30").content.decode()
    assert "Keine NPS-Antworten" in html
    _ok(html)


def test_future_dates_are_outside_every_period(viewer_client, make_feedback, make_customer, make_order):
    make_feedback(nps=0, received_at=timezone.now() + timedelta(days=400))
    make_feedback(nps=10, received_at=timezone.now() - timedelta(days=2))
    c = make_customer()
    make_order(customer=c, ordered_at=timezone.now() + timedelta(days=30), amount="99.00")
    o = selectors.overview(GlobalFilter.build(period="all"))
    assert next(t for t in o.tiles if t.key == "nps").value == 100.0
    _ok(viewer_client.get("/insights/customers/").content.decode())


def test_customers_without_orders(viewer_client, make_customer):
    for _ in range(3):
        make_customer(created_at=timezone.now() - timedelta(days=400))
    html = viewer_client.get("/insights/customers/").content.decode()
    assert 'id="kpi-customers"' in html and "3 ohne Bestellung" in html
    assert "Zu wenig Historie" in html
    _ok(html)


def test_user_text_is_escaped(viewer_client, make_feedback, make_customer):
    evil = "<script>alert(1)</script>"
    Topic.objects.create(key="evil", name_de=evil, name_en=evil)
    c = make_customer(region=evil)
    fb = make_feedback(nps=2, text=evil, customer=c, received_at=timezone.now() - timedelta(days=1))
    FeedbackTopic.objects.create(feedback=fb, topic=Topic.objects.get(key="evil"), score=1, sentiment="negative",
                                 component="t")
    for url in ["/?f=1&period=30", "/insights/topics/evil/"]:
        html = viewer_client.get(url).content.decode()
        assert evil not in html and "&lt;script&gt;" in html, url


def test_filter_persists_in_session_across_pages(viewer_client, make_feedback):
    make_feedback(nps=10, channel="email", received_at=timezone.now() - timedelta(days=1))
    make_feedback(nps=0, channel="chat", received_at=timezone.now() - timedelta(days=1))
    viewer_client.get("/?f=1&period=30&channel=email")
    html = viewer_client.get("/").content.decode()
    assert '<option value="email" selected>' in html
    o = selectors.overview(GlobalFilter.build(period="30", channel="email"))
    assert next(t for t in o.tiles if t.key == "nps").value == 100.0
    assert "channel=email" in o.tiles[0].url and "received_from=" in o.tiles[0].url


def test_htmx_filter_request_renders(viewer_client, make_feedback):
    make_feedback(nps=8)
    r = viewer_client.get("/?f=1&period=90", headers={"HX-Request": "true"})
    assert r.status_code == 200 and 'id="insights-body"' in r.content.decode()


def test_overview_query_count_does_not_grow_with_data(viewer_client, make_feedback):
    make_feedback(nps=5)
    viewer_client.get("/")  # warm: warehouse synced, caches filled
    with CaptureQueriesContext(connection) as few:
        viewer_client.get("/")
    for i in range(30):
        make_feedback(nps=i % 11, channel="email" if i % 2 else "chat")
    viewer_client.get("/")
    with CaptureQueriesContext(connection) as many:
        viewer_client.get("/")
    assert len(many) == len(few)


def test_csv_and_xlsx_exports_are_formula_safe(viewer_client, make_feedback):
    from openpyxl import load_workbook

    t = Topic.objects.create(key="danger", name_de="=HYPERLINK(1)", name_en="=HYPERLINK(1)")
    fb = make_feedback(nps=1, received_at=timezone.now() - timedelta(days=1))
    FeedbackTopic.objects.create(feedback=fb, topic=t, score=1, sentiment="negative", component="t")
    csv_text = viewer_client.get("/insights/export/topics.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text and ";=HYPERLINK" not in csv_text
    wb = load_workbook(io.BytesIO(viewer_client.get("/insights/export/topics.xlsx").content))
    cells = [c.value for row in wb.active.iter_rows() for c in row]
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells
    for table in ("kpis", "nps-trend", "channels", "alerts", "clv-segments", "churn-risk", "retention"):
        assert viewer_client.get(f"/insights/export/{table}.csv").status_code == 200, table
    assert viewer_client.get("/insights/export/nope.csv").status_code == 404


def test_pdf_report_and_offline_plotly(viewer_client, make_feedback):
    make_feedback(nps=9, received_at=timezone.now() - timedelta(days=1))
    r = viewer_client.get("/insights/report.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and r["Content-Type"] == "application/pdf"
    js = viewer_client.get("/insights/plotly.min.js")
    assert js.status_code == 200 and b"plotly" in js.content[:2000].lower()
    html = viewer_client.get("/").content.decode()
    assert "/insights/plotly.min.js" in html and "cdn" not in html.lower()


def test_english_ui(viewer_client, make_feedback):
    make_feedback(nps=9, received_at=timezone.now() - timedelta(days=1))
    viewer_client.cookies["django_language"] = "en"
    html = viewer_client.get("/", headers={"Accept-Language": "en"}).content.decode()
    assert "Current alerts" in html and "Feedback by channel" in html


def test_topic_page_shows_quotes_linking_to_feedback(viewer_client, make_feedback):
    t = Topic.objects.create(key="delivery", name_de="Lieferung", name_en="Delivery")
    fb = make_feedback(nps=2, text="Paket kam zwei Wochen zu spät", channel="email", touchpoint="delivery",
                       received_at=timezone.now() - timedelta(days=3))
    FeedbackTopic.objects.create(feedback=fb, topic=t, score=0.9, sentiment="negative", component="t")
    html = viewer_client.get("/insights/topics/delivery/").content.decode()
    assert "Paket kam zwei Wochen zu spät" in html and f"/feedback/{fb.pk}/" in html
    assert "topic=delivery" in html and 'id="topic-impact"' in html
    _ok(html)


def test_customers_page_query_count_does_not_grow_with_customers(viewer_client, make_customer, make_order):
    def add(n: int) -> None:
        for i in range(n):
            c = make_customer(created_at=timezone.now() - timedelta(days=300 + i))
            make_order(customer=c, ordered_at=timezone.now() - timedelta(days=10 + i), amount="50.00")

    add(3)
    viewer_client.get("/insights/customers/")
    with CaptureQueriesContext(connection) as few:
        viewer_client.get("/insights/customers/")
    add(20)
    viewer_client.get("/insights/customers/")
    with CaptureQueriesContext(connection) as many:
        viewer_client.get("/insights/customers/")
    assert len(many) == len(few)
