"""REST API: customers and orders (CRUD, filters, pagination, ordering, permissions, query counts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from resonanz.customers.models import Customer, Order
from resonanz.testing import dt, token_client

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------- customers


def test_customer_crud_by_analyst(analyst_api: APIClient, admin: Any) -> None:
    r = analyst_api.post(
        "/api/v1/customers/",
        {"external_id": "K-1", "name": "Erika Muster", "email": "erika@example.org", "country": "de",
         "gender": "f", "age_band": "35-44", "consent_marketing": True, "attributes": {"tier": "gold"}},
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["external_id"] == "K-1" and body["country"] == "DE"
    assert body["created_at"] and body["consent_marketing_at"]  # defaults: now
    cid = body["id"]

    r = analyst_api.get(f"/api/v1/customers/{cid}/")
    assert r.status_code == 200 and r.json()["attributes"] == {"tier": "gold"}

    r = analyst_api.patch(f"/api/v1/customers/{cid}/", {"city": "Köln", "consent_marketing": False}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["city"] == "Köln" and r.json()["consent_marketing_at"] is None

    r = analyst_api.put(f"/api/v1/customers/{cid}/", {"external_id": "K-1", "name": "E. M."}, format="json")
    assert r.status_code == 200 and r.json()["name"] == "E. M."

    # Analysts hold no delete permission; admins do.
    assert analyst_api.delete(f"/api/v1/customers/{cid}/").status_code == 403
    assert token_client(admin).delete(f"/api/v1/customers/{cid}/").status_code == 204
    assert not Customer.objects.filter(pk=cid).exists()


def test_customer_validation_errors(analyst_api: APIClient, make_customer: Any) -> None:
    make_customer(external_id="DUP")
    r = analyst_api.post(
        "/api/v1/customers/",
        {"external_id": "DUP", "email": "not-an-email", "country": "Germany", "gender": "x",
         "birth_year": "abc", "attributes": [1, 2]},
        format="json",
    )
    assert r.status_code == 400
    errors = r.json()
    assert set(errors) >= {"external_id", "email", "country", "gender", "birth_year", "attributes"}
    assert analyst_api.post("/api/v1/customers/", {}, format="json").json()["external_id"]


def test_customer_filters(viewer_api: APIClient, make_customer: Any) -> None:
    a = make_customer(external_id="A1", name="Anna Schmidt", email="anna@shop.de", country="DE",
                      region="Bayern", gender="f", age_band="25-34")
    b = make_customer(external_id="B2", name="Bob Miller", email="bob@mail.com", country="AT",
                      region="Wien", gender="m", age_band="45-54")

    def ids(query: str) -> set[str]:
        r = viewer_api.get(f"/api/v1/customers/?{query}")
        assert r.status_code == 200, r.content
        return {c["external_id"] for c in r.json()["results"]}

    assert ids("country=de") == {a.external_id}
    assert ids("region=wien") == {b.external_id}
    assert ids("gender=m") == {b.external_id}
    assert ids("age_band=25-34") == {a.external_id}
    assert ids("external_id=B2") == {b.external_id}
    assert ids("q=schmidt") == {a.external_id}
    assert ids("q=mail.com") == {b.external_id}
    assert ids("q=b2") == {b.external_id}
    c = make_customer(external_id="C3", name="Ömer Özdemir")
    assert ids("q=özdemir") == {c.external_id}
    assert viewer_api.get("/api/v1/customers/?gender=x").status_code == 400


def test_customer_pagination_and_ordering(viewer_api: APIClient, make_customer: Any) -> None:
    for i in range(7):
        make_customer(external_id=f"P{i}", name=f"Name {6 - i}")
    r = viewer_api.get("/api/v1/customers/?page_size=3&ordering=name")
    body = r.json()
    assert body["count"] == 7 and len(body["results"]) == 3 and body["next"] and body["previous"] is None
    assert [c["name"] for c in body["results"]] == ["Name 0", "Name 1", "Name 2"]
    r = viewer_api.get("/api/v1/customers/?page_size=3&ordering=name&page=3")
    assert [c["name"] for c in r.json()["results"]] == ["Name 6"]
    r = viewer_api.get("/api/v1/customers/?ordering=-external_id")
    assert r.json()["results"][0]["external_id"] == "P6"
    assert viewer_api.get("/api/v1/customers/?page=99").status_code == 404


def test_page_size_is_capped_at_500(viewer_api: APIClient) -> None:
    Customer.objects.bulk_create(
        [Customer(external_id=f"M{i}", created_at=timezone.now()) for i in range(501)]
    )
    body = viewer_api.get("/api/v1/customers/?page_size=10000").json()
    assert body["count"] == 501 and len(body["results"]) == 500


@pytest.mark.parametrize("n", [5, 50])
def test_customer_list_query_count_is_fixed(
    n: int, viewer_api: APIClient, make_customer: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(n):
        make_customer()
    # token+user, user permissions, group permissions, count, page
    with django_assert_num_queries(5):
        r = viewer_api.get("/api/v1/customers/?page_size=100")
    assert len(r.json()["results"]) == n


def test_customer_permissions(viewer_api: APIClient, agent: Any, norole: Any, make_customer: Any) -> None:
    c = make_customer()
    payload = {"external_id": "NEW"}
    assert viewer_api.get("/api/v1/customers/").status_code == 200
    assert viewer_api.get(f"/api/v1/customers/{c.pk}/").status_code == 200
    assert viewer_api.post("/api/v1/customers/", payload, format="json").status_code == 403
    assert viewer_api.patch(f"/api/v1/customers/{c.pk}/", {"name": "x"}, format="json").status_code == 403
    agent_api = token_client(agent)
    assert agent_api.get("/api/v1/customers/").status_code == 200
    assert agent_api.post("/api/v1/customers/", payload, format="json").status_code == 403
    assert token_client(norole).get("/api/v1/customers/").status_code == 403
    anon = APIClient()
    assert anon.get("/api/v1/customers/").status_code == 401
    assert anon.post("/api/v1/customers/", payload, format="json").status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-valid-token")
    assert bad.get("/api/v1/customers/").status_code == 401


# ---------------------------------------------------------------------------------------------- orders


def test_order_crud_with_natural_keys(analyst_api: APIClient, admin: Any, make_customer: Any) -> None:
    make_customer(external_id="K-77")
    r = analyst_api.post(
        "/api/v1/orders/",
        {"external_id": "O-1", "customer": "K-77", "ordered_at": "2025-03-01T10:00:00+01:00",
         "amount": "19.90", "currency": "eur", "channel": "website"},
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["customer"] == "K-77" and body["channel"] == "website" and body["currency"] == "EUR"
    assert Order.objects.get(external_id="O-1").amount == Decimal("19.90")
    oid = body["id"]
    assert analyst_api.get(f"/api/v1/orders/{oid}/").json()["amount"] == "19.90"
    # analysts may add orders but not change them (roles.py); admins may
    assert analyst_api.patch(f"/api/v1/orders/{oid}/", {"amount": "5"}, format="json").status_code == 403
    admin_api = token_client(admin)
    assert admin_api.patch(f"/api/v1/orders/{oid}/", {"amount": "5"}, format="json").json()["amount"] == "5.00"
    assert admin_api.delete(f"/api/v1/orders/{oid}/").status_code == 204


def test_order_validation(analyst_api: APIClient, make_customer: Any) -> None:
    make_customer(external_id="K-1")
    r = analyst_api.post(
        "/api/v1/orders/",
        {"external_id": "O-2", "customer": "NOPE", "ordered_at": "yesterday", "amount": "-3",
         "currency": "EURO", "channel": "fax"},
        format="json",
    )
    assert r.status_code == 400
    assert set(r.json()) == {"customer", "ordered_at", "amount", "currency", "channel"}


def test_order_filters(viewer_api: APIClient, make_customer: Any, make_order: Any) -> None:
    k1, k2 = make_customer(external_id="K1"), make_customer(external_id="K2")
    make_order(customer=k1, external_id="O1", ordered_at=dt("2025-01-10T12:00"), amount="10")
    make_order(customer=k1, external_id="O2", ordered_at=dt("2025-02-10T12:00"), amount="100")
    make_order(customer=k2, external_id="O3", ordered_at=dt("2025-03-10T12:00"), amount="50")

    def ids(query: str) -> list[str]:
        r = viewer_api.get(f"/api/v1/orders/?{query}")
        assert r.status_code == 200, r.content
        return sorted(o["external_id"] for o in r.json()["results"])

    assert ids("customer=K1") == ["O1", "O2"]
    assert ids("ordered_from=2025-02-01") == ["O2", "O3"]
    assert ids("ordered_to=10.02.2025") == ["O1", "O2"]
    assert ids("amount_min=20&amount_max=60") == ["O3"]
    assert ids("external_id=O2") == ["O2"]
    assert [o["external_id"] for o in viewer_api.get("/api/v1/orders/?ordering=-amount").json()["results"]] == [
        "O2", "O3", "O1"
    ]
    assert viewer_api.get("/api/v1/orders/?ordered_from=not-a-date").status_code == 400


@pytest.mark.parametrize("n", [5, 50])
def test_order_list_query_count_is_fixed(
    n: int, viewer_api: APIClient, make_customer: Any, make_order: Any, django_assert_num_queries: Any
) -> None:
    from resonanz.journeys.models import Channel

    channel = Channel.objects.get(code="website")
    for _ in range(n):
        make_order(customer=make_customer(), channel=channel)
    with django_assert_num_queries(5):
        r = viewer_api.get("/api/v1/orders/?page_size=100")
    assert len(r.json()["results"]) == n


def test_order_permissions(viewer_api: APIClient, norole: Any, make_customer: Any) -> None:
    make_customer(external_id="K1")
    payload = {"external_id": "O9", "customer": "K1", "ordered_at": "2025-01-01T00:00:00Z", "amount": "1"}
    assert viewer_api.get("/api/v1/orders/").status_code == 200
    assert viewer_api.post("/api/v1/orders/", payload, format="json").status_code == 403
    assert token_client(norole).get("/api/v1/orders/").status_code == 403
    assert APIClient().get("/api/v1/orders/").status_code == 401
