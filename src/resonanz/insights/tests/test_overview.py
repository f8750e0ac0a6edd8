"""The first overview page: honest figures, empty state, permissions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from resonanz.insights.selectors import overview

pytestmark = pytest.mark.django_db


def test_anonymous_redirect_norole_403(client, norole_client):
    assert client.get("/").status_code == 302
    assert norole_client.get("/").status_code == 403


def test_empty_database_shows_empty_state_without_nan(viewer_client):
    html = viewer_client.get("/").content.decode()
    assert "Noch keine Daten" in html
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)


def test_figures_volume_scores_and_breakdowns(make_feedback):
    now = timezone.now()
    make_feedback(received_at=now - timedelta(days=5), nps=10, csat=5, ces=6, channel="email", source="nps_survey")
    make_feedback(received_at=now - timedelta(days=40), nps=9, csat=2, channel="email", source="ticket")
    make_feedback(received_at=now - timedelta(days=100), nps=3, ces=2, channel="chat", source="ticket")
    make_feedback(received_at=now - timedelta(days=1))
    o = overview(now=now)
    assert o.volume == {"total": 4, "days_30": 2, "days_90": 3}
    assert o.scores["nps"].n == 3 and round(o.scores["nps"].value, 1) == round(100 * (2 - 1) / 3, 1)
    assert o.scores["csat"].n == 2 and o.scores["csat"].value == 50.0
    assert o.scores["ces"].n == 2 and o.scores["ces"].value == 4.0
    assert o.scores["rating"].n == 0 and o.scores["rating"].value is None
    by_channel = [(r["channel"].code if r["channel"] else None, r["n"]) for r in o.by_channel]
    assert by_channel[0] == ("email", 2) and sorted(by_channel[1:], key=str) == [("chat", 1), (None, 1)]
    assert {r["source"].code: r["n"] for r in o.by_source} == {"ticket": 2, "nps_survey": 2}
    assert len(o.latest) == 4


def test_overview_page_renders_figures(viewer_client, make_feedback):
    make_feedback(nps=10, text="Tolles Produkt", channel="email")
    html = viewer_client.get("/").content.decode()
    assert 'id="kpi-nps"' in html and "n = 1" in html and "Tolles Produkt" in html
    assert "Noch keine Daten" not in html


def test_overview_uses_a_fixed_number_of_queries(viewer_client, make_feedback, django_assert_num_queries):
    make_feedback(nps=5, channel="email")
    with django_assert_num_queries(12):
        viewer_client.get("/")
    for i in range(30):
        make_feedback(nps=i % 11, channel="chat" if i % 2 else "email", source="ticket" if i % 3 else "nps_survey")
    with django_assert_num_queries(12):
        viewer_client.get("/")
