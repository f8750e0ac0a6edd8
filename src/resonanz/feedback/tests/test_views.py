"""Feedback list, detail and CSV export: permissions, htmx partials, escaping, PII and query counts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from resonanz.feedback.models import Feedback, FeedbackSource
from resonanz.feedback.selectors import csv_safe
from resonanz.journeys.models import Channel

pytestmark = pytest.mark.django_db
XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
LIST = "/feedback/"


def bulk_feedback(n: int, **kw) -> None:
    src = FeedbackSource.objects.get(code="nps_survey")
    ch = Channel.objects.get(code="email")
    now = timezone.now()
    Feedback.objects.bulk_create(
        [Feedback(source=src, channel=ch, received_at=now - timedelta(minutes=i), text=f"Text {i}",
                  text_redacted=f"Text {i}", nps=i % 11, dedupe_key=f"bulk-{kw.get('prefix', '')}{i}")
         for i in range(n)], batch_size=1000,
    )


@pytest.mark.parametrize("url", [LIST, "/feedback/export.csv"])
def test_anonymous_users_are_redirected_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_user_without_role_gets_403(norole_client, make_feedback):
    fb = make_feedback()
    assert norole_client.get(LIST).status_code == 403
    assert norole_client.get(f"/feedback/{fb.pk}/").status_code == 403
    assert norole_client.get("/feedback/export.csv").status_code == 403


def test_viewer_sees_the_list_with_count(viewer_client, make_feedback):
    make_feedback(text="Die Lieferung war schnell", channel="email")
    response = viewer_client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Die Lieferung war schnell" in html
    assert 'id="result-count"' in html and "1 Feedback" in html
    assert "<html" in html


def test_htmx_request_renders_only_the_results_partial(viewer_client, make_feedback):
    make_feedback(text="Alpha", channel="email")
    make_feedback(text="Beta", channel="chat")
    response = viewer_client.get(LIST, {"channel": "chat"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "feedback-filters" not in html
    assert "Beta" in html and "Alpha" not in html
    assert "HX-Request" in response["Vary"]


def test_invalid_filter_shows_error_and_no_results(viewer_client, make_feedback):
    make_feedback(text="Alpha")
    response = viewer_client.get(LIST, {"nps_max": "11", "received_from": "gestern"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "NPS bis" in html and "Eingang von" in html
    assert "Alpha" not in html


def test_list_is_paginated_by_50(viewer_client):
    bulk_feedback(120)
    html = viewer_client.get(LIST).content.decode()
    assert html.count('class="excerpt"') == 50
    assert "Seite 1 von 3" in html
    html3 = viewer_client.get(LIST, {"page": 3}).content.decode()
    assert html3.count('class="excerpt"') == 20


@pytest.mark.parametrize("payload", XSS)
def test_user_text_is_escaped_everywhere(agent_client, make_feedback, make_customer, payload):
    customer = make_customer(name=payload)
    fb = make_feedback(text=payload, title=payload, customer=customer, properties={payload: payload})
    escaped = payload.replace("<", "&lt;").replace(">", "&gt;")
    for url in (LIST, f"/feedback/{fb.pk}/", f"/customers/{customer.pk}/"):
        html = agent_client.get(url).content.decode()
        assert payload not in html, url
        assert escaped in html, url
    assert payload not in agent_client.get("/").content.decode()


def test_viewer_sees_stored_redacted_text_agent_sees_original(viewer_client, agent_client, make_feedback):
    fb = make_feedback(text="Ich bin Anna Schmidt", text_redacted="Ich bin [NAME]")
    assert "Anna Schmidt" not in viewer_client.get(f"/feedback/{fb.pk}/").content.decode()
    assert "Ich bin [NAME]" in viewer_client.get(LIST).content.decode()
    assert "Anna Schmidt" in agent_client.get(f"/feedback/{fb.pk}/").content.decode()


def test_viewer_sees_text_redacted_on_the_fly_when_no_redacted_version_is_stored(viewer_client, make_feedback):
    fb = make_feedback(text="Bitte an anna.schmidt@example.de schreiben", text_redacted="")
    html = viewer_client.get(f"/feedback/{fb.pk}/").content.decode()
    assert "anna.schmidt@example.de" not in html
    assert "[EMAIL]" in html and "Automatisch geschwärzt" in html


def test_detail_shows_all_fields_and_customer_link(viewer_client, make_feedback, make_customer):
    c = make_customer(name="Erika Muster")
    fb = make_feedback(customer=c, touchpoint="delivery", channel="delivery", nps=3, csat=2, language="de",
                       properties={"order_ref": "A-17"})
    html = viewer_client.get(f"/feedback/{fb.pk}/").content.decode()
    assert f'href="/customers/{c.pk}/"' in html
    assert "Lieferung" in html and "NPS 3" in html and "CSAT 2" in html and "order_ref" in html


def test_detail_of_missing_feedback_is_404(viewer_client):
    assert viewer_client.get("/feedback/999999/").status_code == 404


def test_csv_export_contains_the_filtered_rows_and_neutralises_formulas(agent_client, make_feedback):
    make_feedback(text="=HYPERLINK(\"http://evil\")", channel="email", nps=10)
    make_feedback(text="not exported", channel="chat")
    response = agent_client.get("/feedback/export.csv", {"channel": "email"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "id" and len(rows) == 2
    assert rows[1][rows[0].index("text")] == "'=HYPERLINK(\"http://evil\")"
    assert rows[1][rows[0].index("channel")] == "email"


def test_csv_export_for_viewer_contains_redacted_text(viewer_client, make_feedback):
    make_feedback(text="Ich bin Anna Schmidt", text_redacted="Ich bin [NAME]")
    body = b"".join(viewer_client.get("/feedback/export.csv").streaming_content).decode("utf-8-sig")
    assert "Anna Schmidt" not in body and "Ich bin [NAME]" in body


def test_csv_export_with_invalid_filter_is_400(viewer_client):
    assert viewer_client.get("/feedback/export.csv", {"nps_min": "x"}).status_code == 400


@pytest.mark.parametrize("value,expected", [("=1+1", "'=1+1"), ("+49", "'+49"), ("-3", "'-3"), ("@SUM", "'@SUM"),
                                            ("\tx", "'\tx"), ("\rx", "'\rx"), ("ok", "ok"), (None, ""), (5, "5")])
def test_csv_safe_prefixes_formula_starts(value, expected):
    assert csv_safe(value) == expected


LIST_QUERIES = 12  # session, user, 2× permissions, role (nav), 4 filter choice lists, count, page, topics (prefetch)


@pytest.mark.parametrize("params", [{}, {"channel": "email", "q": "Text", "nps_min": "3"}])
def test_list_uses_a_fixed_number_of_queries_whatever_the_data_size(viewer_client, django_assert_num_queries,
                                                                    make_customer, params):
    bulk_feedback(50, prefix="a")
    with django_assert_num_queries(LIST_QUERIES + (1 if "channel" in params else 0)):
        viewer_client.get(LIST, params)
    bulk_feedback(4950, prefix="b")
    with django_assert_num_queries(LIST_QUERIES + (1 if "channel" in params else 0)):
        response = viewer_client.get(LIST, params)
    assert response.content.decode().count('class="excerpt"') == 50


def test_empty_list_shows_zero_count_and_empty_state(viewer_client):
    html = viewer_client.get(LIST).content.decode()
    assert "0 Feedbacks" in html and "Noch kein Feedback vorhanden" in html
    html = viewer_client.get(LIST, {"channel": "email"}).content.decode()
    assert "0 Feedbacks" in html and "Kein Feedback passt zu diesen Filtern" in html
