"""REST API: journey stages, channels, touchpoints (reference data by code) and events."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from resonanz.journeys.models import Channel, Event, JourneyStage, Touchpoint
from resonanz.testing import dt, token_client

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------- reference data


def test_reference_lists_from_seed(viewer_api: APIClient) -> None:
    stages = viewer_api.get("/api/v1/stages/").json()["results"]
    assert [s["code"] for s in stages][:2] == ["awareness", "consideration"]
    channels = viewer_api.get("/api/v1/channels/?online=false").json()["results"]
    assert channels and all(not c["online"] for c in channels)
    tp = viewer_api.get("/api/v1/touchpoints/checkout/")
    assert tp.status_code == 404
    tp = viewer_api.get("/api/v1/touchpoints/online_checkout/").json()
    assert tp["stage"] == "purchase" and tp["channel"] == "website"


def test_touchpoint_filters(viewer_api: APIClient) -> None:
    codes = {t["code"] for t in viewer_api.get("/api/v1/touchpoints/?stage=purchase&page_size=100").json()["results"]}
    assert codes == {"online_checkout", "app_checkout", "store_checkout"}
    codes = {t["code"] for t in viewer_api.get("/api/v1/touchpoints/?channel=app").json()["results"]}
    assert codes == {"app_cart", "app_checkout"}
    Touchpoint.objects.filter(code="cart").update(active=False)
    codes = {t["code"] for t in viewer_api.get("/api/v1/touchpoints/?active=false").json()["results"]}
    assert codes == {"cart"}


def test_stage_channel_touchpoint_write_by_analyst(analyst_api: APIClient, admin: Any) -> None:
    r = analyst_api.post(
        "/api/v1/stages/", {"code": "loyalty", "name_de": "Treue", "name_en": "Loyalty", "position": 9}, format="json"
    )
    assert r.status_code == 201, r.content
    r = analyst_api.post("/api/v1/channels/", {"code": "kiosk", "name_de": "Kiosk", "name_en": "Kiosk",
                                                "online": False}, format="json")
    assert r.status_code == 201, r.content
    r = analyst_api.post(
        "/api/v1/touchpoints/",
        {"code": "kiosk_club", "name_de": "Kundenclub", "name_en": "Club", "stage": "loyalty", "channel": "kiosk"},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert Touchpoint.objects.get(code="kiosk_club").stage.code == "loyalty"
    r = analyst_api.patch("/api/v1/touchpoints/kiosk_club/", {"stage": "purchase", "active": False}, format="json")
    assert r.status_code == 200 and r.json()["stage"] == "purchase" and r.json()["active"] is False
    r = analyst_api.patch("/api/v1/channels/kiosk/", {"name_en": "Kiosk terminal"}, format="json")
    assert r.json()["name_en"] == "Kiosk terminal"
    r = analyst_api.put("/api/v1/stages/loyalty/", {"code": "loyalty", "name_de": "Bindung", "name_en": "Loyalty"},
                        format="json")
    assert r.status_code == 200 and JourneyStage.objects.get(code="loyalty").name_de == "Bindung"
    # unknown codes and duplicate codes are field errors
    r = analyst_api.post("/api/v1/touchpoints/", {"code": "cart", "name_de": "x", "name_en": "x",
                                                   "stage": "nope", "channel": "nope"}, format="json")
    assert r.status_code == 400 and set(r.json()) == {"code", "stage", "channel"}
    # deleting: admin only; a channel still in use is a 409, not a 500
    assert analyst_api.delete("/api/v1/touchpoints/kiosk_club/").status_code == 403
    admin_api = token_client(admin)
    r = admin_api.delete("/api/v1/channels/kiosk/")
    assert r.status_code == 409 and "in use" in r.json()["detail"]
    assert admin_api.delete("/api/v1/touchpoints/kiosk_club/").status_code == 204
    assert admin_api.delete("/api/v1/channels/kiosk/").status_code == 204
    assert not Channel.objects.filter(code="kiosk").exists()


def test_touchpoint_list_query_count_is_fixed(viewer_api: APIClient, django_assert_num_queries: Any) -> None:
    n = Touchpoint.objects.count()
    with django_assert_num_queries(5):
        r = viewer_api.get("/api/v1/touchpoints/?page_size=500")
    assert len(r.json()["results"]) == n


# ---------------------------------------------------------------------------------------------- events


def test_event_crud(analyst_api: APIClient, admin: Any, make_customer: Any) -> None:
    make_customer(external_id="K-1")
    r = analyst_api.post(
        "/api/v1/events/",
        {"external_id": "E-1", "customer": "K-1", "occurred_at": "2025-05-01T08:00:00Z", "type": "delivery",
         "touchpoint": "delivery", "value": "2.5", "properties": {"carrier": "DHL"}},
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["customer"] == "K-1" and body["touchpoint"] == "delivery"
    assert body["stage"] == "post_purchase"  # from the touchpoint
    eid = body["id"]
    assert analyst_api.get(f"/api/v1/events/{eid}/").json()["properties"] == {"carrier": "DHL"}
    # analysts add events but do not change or delete them (roles.py)
    assert analyst_api.patch(f"/api/v1/events/{eid}/", {"type": "x"}, format="json").status_code == 403
    admin_api = token_client(admin)
    r = admin_api.patch(f"/api/v1/events/{eid}/", {"touchpoint": "cart"}, format="json")
    assert r.status_code == 200 and r.json()["stage"] == "decision"
    assert admin_api.delete(f"/api/v1/events/{eid}/").status_code == 204


def test_event_validation(analyst_api: APIClient) -> None:
    r = analyst_api.post(
        "/api/v1/events/",
        {"external_id": "", "customer": "ghost", "occurred_at": 12, "type": "", "touchpoint": "nowhere",
         "value": "abc", "properties": "x"},
        format="json",
    )
    assert r.status_code == 400
    assert set(r.json()) == {"external_id", "customer", "occurred_at", "type", "touchpoint", "value", "properties"}


def test_event_filters(viewer_api: APIClient, make_customer: Any, make_event: Any) -> None:
    k1, k2 = make_customer(external_id="K1"), make_customer(external_id="K2")
    make_event(customer=k1, external_id="E1", type="page_view", touchpoint="product_page",
               occurred_at=dt("2025-01-05T10:00"))
    make_event(customer=k1, external_id="E2", type="purchase", touchpoint="online_checkout",
               occurred_at=dt("2025-02-05T10:00"))
    make_event(customer=k2, external_id="E3", type="return", touchpoint="returns",
               occurred_at=dt("2025-03-05T10:00"))

    def ids(query: str) -> list[str]:
        r = viewer_api.get(f"/api/v1/events/?{query}")
        assert r.status_code == 200, r.content
        return sorted(e["external_id"] for e in r.json()["results"])

    assert ids("customer=K1") == ["E1", "E2"]
    assert ids("type=return") == ["E3"]
    assert ids("touchpoint=online_checkout") == ["E2"]
    assert ids("stage=consideration") == ["E1"]
    assert ids("occurred_from=2025-02-01") == ["E2", "E3"]
    assert ids("occurred_to=2025-02-05") == ["E1", "E2"]
    assert ids("external_id=E3") == ["E3"]
    assert [e["external_id"] for e in viewer_api.get("/api/v1/events/?ordering=occurred_at").json()["results"]] == [
        "E1", "E2", "E3"
    ]


@pytest.mark.parametrize("n", [5, 50])
def test_event_list_query_count_is_fixed(
    n: int, viewer_api: APIClient, make_customer: Any, make_event: Any, django_assert_num_queries: Any
) -> None:
    tp = Touchpoint.objects.select_related("stage").get(code="delivery")
    for _ in range(n):
        make_event(customer=make_customer(), touchpoint=tp)
    with django_assert_num_queries(5):
        r = viewer_api.get("/api/v1/events/?page_size=100")
    assert len(r.json()["results"]) == n
    assert Event.objects.count() == n


def test_event_permissions(viewer_api: APIClient, norole: Any) -> None:
    assert viewer_api.get("/api/v1/events/").status_code == 200
    assert viewer_api.post("/api/v1/events/", {}, format="json").status_code == 403
    assert token_client(norole).get("/api/v1/events/").status_code == 403
    assert APIClient().get("/api/v1/events/").status_code == 401
