"""The overview page (/): permissions and honest empty state. Behaviour-level only, so the checks hold for
the first overview and for the full dashboard that replaces it."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_is_redirected_to_login_and_user_without_role_gets_403(client, norole_client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert norole_client.get("/").status_code == 403


def test_empty_database_renders_without_nan_or_errors(viewer_client):
    response = viewer_client.get("/")
    assert response.status_code == 200
    assert not re.search(r"\bnan\b", response.content.decode(), re.IGNORECASE)


def test_overview_with_feedback_renders_and_escapes_text(viewer_client, make_feedback):
    make_feedback(nps=10, text="<script>alert(1)</script>", channel="email")
    make_feedback(nps=3, csat=2, ces=4, channel="chat")
    response = viewer_client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)
