"""Login, permissions across the pages, navigation and the language switch."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
PAGES = ["/", "/feedback/", "/customers/", "/jobs/"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_a_user_without_role_gets_403(norole_client, url):
    assert norole_client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["viewer", "agent", "analyst", "admin"])
def test_every_role_can_see_the_lists(make_user, role):
    client = Client()
    client.force_login(make_user(role))
    for url in PAGES:
        assert client.get(url).status_code == 200, url


def test_login_with_wrong_password_shows_error_and_right_password_goes_to_overview(viewer, password):
    client = Client()
    bad = client.post("/accounts/login/", {"username": "viewer", "password": "wrong"})
    assert bad.status_code == 200 and "Benutzername oder Passwort ist falsch" in bad.content.decode()
    good = client.post("/accounts/login/", {"username": "viewer", "password": password})
    assert good.status_code == 302 and good["Location"] == "/"


def test_navigation_is_german_by_default_and_english_after_switching(viewer_client):
    html = viewer_client.get("/").content.decode()
    assert ">Übersicht<" in html and ">Kunden<" in html and 'lang="de"' in html
    response = viewer_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = viewer_client.get("/").content.decode()
    assert 'lang="en"' in html
    assert ">Overview<" in html and ">Customers<" in html and ">Cases &amp; actions<" in html


def test_ui_is_german_by_default_even_for_an_english_browser_and_english_when_chosen(analyst_client) -> None:
    from django.conf import settings

    resp = analyst_client.get("/feedback/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert resp.status_code == 200 and 'lang="de"' in resp.content.decode()
    analyst_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    resp = analyst_client.get("/feedback/", HTTP_ACCEPT_LANGUAGE="de")
    assert 'lang="en"' in resp.content.decode()
