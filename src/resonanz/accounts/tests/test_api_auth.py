"""REST API: token authentication, the permission matrix over every endpoint, OpenAPI schema and docs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from resonanz.accounts.services import user_create
from resonanz.testing import api_schema, token_client

pytestmark = pytest.mark.django_db

PASSWORD = "api-Test-Passw0rd"  # noqa: S105

# list URL → (a detail URL fragment factory is not needed: list + create cover the permission classes)
LIST_URLS = [
    "/api/v1/customers/", "/api/v1/orders/", "/api/v1/events/", "/api/v1/feedback/", "/api/v1/sources/",
    "/api/v1/touchpoints/", "/api/v1/stages/", "/api/v1/channels/",
]


# ---------------------------------------------------------------------------------------------- tokens


@pytest.fixture
def viewer(db: None) -> Any:
    return user_create(username="viewer", role="viewer", password=PASSWORD)[0]


def test_obtain_token_and_use_it(viewer: Any) -> None:
    anon = APIClient()
    r = anon.post("/api/v1/auth/token/", {"username": "viewer", "password": PASSWORD}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["username"] == "viewer" and body["role"] == "viewer" and len(body["token"]) == 40
    assert Token.objects.get(user=viewer).key == body["token"]
    # the same token again on the next login
    again = anon.post("/api/v1/auth/token/", {"username": "viewer", "password": PASSWORD}, format="json")
    assert again.json()["token"] == body["token"]

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get("/api/v1/customers/").status_code == 200
    # revoke
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert client.get("/api/v1/customers/").status_code == 401
    assert not Token.objects.filter(user=viewer).exists()


def test_obtain_token_errors(viewer: Any) -> None:
    anon = APIClient()
    r = anon.post("/api/v1/auth/token/", {"username": "viewer", "password": "wrong"}, format="json")
    assert r.status_code == 400 and "non_field_errors" in r.json()
    r = anon.post("/api/v1/auth/token/", {"username": "viewer"}, format="json")
    assert r.status_code == 400 and "password" in r.json()
    viewer.is_active = False
    viewer.save()
    r = anon.post("/api/v1/auth/token/", {"username": "viewer", "password": PASSWORD}, format="json")
    assert r.status_code == 400
    assert anon.get("/api/v1/auth/token/").status_code == 405
    assert anon.delete("/api/v1/auth/token/").status_code == 401


def test_token_form_post_and_no_csrf_needed(viewer: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    r = client.post("/api/v1/auth/token/", {"username": "viewer", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["token"]


def test_admin_creates_token_in_admin_site(admin: Any, analyst: Any) -> None:
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 200
    r = client.post("/admin/authtoken/tokenproxy/add/", {"user": analyst.pk})
    assert r.status_code == 302
    assert Token.objects.filter(user=analyst).exists()
    # analysts are not staff: no admin site
    other = Client()
    other.force_login(analyst)
    assert other.get("/admin/authtoken/tokenproxy/add/").status_code == 302


# ---------------------------------------------------------------------------------------------- permission matrix


def test_permission_matrix(make_user: Any) -> None:
    users = {role: make_user(role) for role in ("viewer", "agent", "analyst", "admin")}
    users["norole"] = make_user(None)
    clients = {role: token_client(u) for role, u in users.items()}
    clients["anonymous"] = APIClient()
    for url in LIST_URLS:
        read = {role: c.get(url).status_code for role, c in clients.items()}
        assert read == {"viewer": 200, "agent": 200, "analyst": 200, "admin": 200, "norole": 403,
                        "anonymous": 401}, url
        # an empty POST: 400 means the permission check passed and validation ran
        write = {role: c.post(url, {}, format="json").status_code for role, c in clients.items()}
        assert write == {"viewer": 403, "agent": 403, "analyst": 400, "admin": 400, "norole": 403,
                         "anonymous": 401}, url


def test_session_auth_works_for_the_browser(viewer_client: Client) -> None:
    assert viewer_client.get("/api/v1/feedback/").status_code == 200


# ---------------------------------------------------------------------------------------------- OpenAPI


def test_schema_view_lists_all_paths() -> None:
    r = APIClient().get("/api/v1/schema/?format=json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in [
        "/api/v1/auth/token/", "/api/v1/customers/", "/api/v1/customers/{id}/", "/api/v1/orders/{id}/",
        "/api/v1/events/{id}/", "/api/v1/feedback/", "/api/v1/feedback/{id}/", "/api/v1/sources/{code}/",
        "/api/v1/touchpoints/{code}/", "/api/v1/stages/{code}/", "/api/v1/channels/{code}/",
    ]:
        assert p in paths, p
    names = {p["name"] for p in paths["/api/v1/feedback/"]["get"]["parameters"]}
    assert {"page", "page_size", "ordering", "channel", "source", "received_from", "nps_min", "q"} <= names
    assert set(paths["/api/v1/feedback/"]["post"]["responses"]) == {"200", "201"}


def test_schema_of_these_views_generates_without_warnings() -> None:
    from drf_spectacular.validation import validate_schema

    schema, problems = api_schema(["accounts", "customers", "journeys", "feedback"])
    assert problems == {}
    validate_schema(schema)
    assert len(schema["paths"]) == 17


def test_docs_page_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    r = APIClient().get("/api/v1/docs/")
    assert r.status_code == 200 and b"/api/v1/schema/" in r.content and b"redoc" in r.content.lower()


def test_docs_page_can_use_the_offline_sidecar(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    pytest.importorskip("drf_spectacular_sidecar")
    from django.contrib.staticfiles import finders
    from drf_spectacular.settings import spectacular_settings

    monkeypatch.setattr(spectacular_settings, "REDOC_DIST", "SIDECAR")
    if "drf_spectacular_sidecar" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "drf_spectacular_sidecar"]
    r = APIClient().get("/api/v1/docs/")
    assert r.status_code == 200
    js = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
    assert js.encode() in r.content and b"cdn.jsdelivr" not in r.content
    assert finders.find(js)
