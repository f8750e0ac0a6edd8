"""REST API: feedback (single create with validation and idempotency, filters, redaction, query counts)
and feedback sources."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from resonanz.feedback.models import Feedback, FeedbackSource
from resonanz.feedback.services import feedback_dedupe_key
from resonanz.testing import dt, token_client

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------- create


def test_webhook_create_single_answer(analyst_api: APIClient, make_customer: Any) -> None:
    make_customer(external_id="K-5")
    payload = {
        "source": "nps_survey", "external_id": "resp-1001", "customer": "K-5", "touchpoint": "delivery",
        "received_at": "2025-04-01T09:30:00+02:00", "nps": 9, "text": "Schnelle Lieferung!", "language": "DE",
        "properties": {"survey": "q2"},
    }
    r = analyst_api.post("/api/v1/feedback/", payload, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["source"] == "nps_survey" and body["customer"] == "K-5" and body["touchpoint"] == "delivery"
    assert body["channel"] == "delivery" and body["stage"] == "post_purchase"  # from the touchpoint
    assert body["nps"] == 9 and body["nps_group"] == "promoter" and body["language"] == "de"
    assert body["dedupe_key"] == "ext:nps_survey:resp-1001"
    assert r["Location"] == f"/api/v1/feedback/{body['id']}/"


def test_create_is_idempotent_by_external_id(analyst_api: APIClient) -> None:
    payload = {"source": "csat_survey", "external_id": "A-1", "csat": 4, "text": "ok"}
    first = analyst_api.post("/api/v1/feedback/", payload, format="json")
    assert first.status_code == 201
    again = analyst_api.post("/api/v1/feedback/", {**payload, "text": "retry with other text"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.json()["text"] == "ok"  # the existing item, unchanged
    assert Feedback.objects.count() == 1
    # same external id from another source is another item
    other = analyst_api.post("/api/v1/feedback/", {**payload, "source": "web_form"}, format="json")
    assert other.status_code == 201 and Feedback.objects.count() == 2


def test_create_is_idempotent_by_content_hash(analyst_api: APIClient) -> None:
    payload = {"source": "web_form", "received_at": "2025-01-02T03:04:05Z", "text": "Die Rechnung kam doppelt."}
    first = analyst_api.post("/api/v1/feedback/", payload, format="json")
    again = analyst_api.post("/api/v1/feedback/", payload, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["dedupe_key"].startswith("hash:") and first.json()["id"] == again.json()["id"]
    changed = analyst_api.post("/api/v1/feedback/", {**payload, "text": "Andere Rechnung."}, format="json")
    assert changed.status_code == 201 and Feedback.objects.count() == 2


def test_dedupe_key_rule_matches_the_file_import() -> None:
    from datetime import UTC

    from resonanz.core.ingest.validate import content_hash

    when = dt("2025-01-01T12:00")  # Europe/Berlin; the import parses to UTC
    assert feedback_dedupe_key(source_code="s", external_id=" x1 ") == "ext:s:x1"
    long_key = feedback_dedupe_key(source_code="s" * 48, external_id="i" * 128)
    assert long_key == f"ext:{'s' * 48}:sha1:{content_hash('i' * 128)}"[:160]
    # the import passes None for empty/missing cells and UTC datetimes
    expected = "hash:" + content_hash("s", when.astimezone(UTC), None, None, "t", 7, None, None, None)
    assert feedback_dedupe_key(source_code="s", received_at=when, text=" t ", title="", nps=7) == expected
    assert feedback_dedupe_key(source_code="s", received_at=when, text="t") != feedback_dedupe_key(
        source_code="s", received_at=when, text="t", nps=3
    )


VALIDATION_CASES = [
    ({"nps": 11}, "nps", "0 to 10"),
    ({"nps": -1}, "nps", "0 to 10"),
    ({"nps": "zehn"}, "nps", "0 to 10"),
    ({"csat": 0}, "csat", "1 to 5"),
    ({"ces": 8}, "ces", "1 to 7"),
    ({"rating": 6}, "rating", "1 to 5"),
    ({"source": "nope", "text": "x"}, "source", "nope"),
    ({"touchpoint": "nowhere", "text": "x"}, "touchpoint", "nowhere"),
    ({"customer": "ghost", "text": "x"}, "customer", "ghost"),
    ({"received_at": "gestern", "text": "x"}, "received_at", ""),
    ({"received_at": "2999-01-01T00:00:00Z", "text": "x"}, "received_at", "future"),
    ({"text": ["a", "list"]}, "text", ""),
    ({"properties": [1], "text": "x"}, "properties", "JSON object"),
    ({"title": "t" * 501}, "title", "500"),
    ({}, "non_field_errors", "at least one score"),
]


def test_create_validation_errors(analyst_api: APIClient) -> None:
    for payload, field, fragment in VALIDATION_CASES:
        r = analyst_api.post("/api/v1/feedback/", {"source": "nps_survey", **payload}, format="json")
        assert r.status_code == 400, (payload, r.content)
        errors = r.json()
        assert field in errors, (payload, errors)
        assert fragment in " ".join(errors[field]), (payload, errors)
    assert Feedback.objects.count() == 0


def test_hostile_text_is_stored_verbatim_and_returned_as_json(analyst_api: APIClient) -> None:
    text = '<script>alert("x")</script> & "quotes" \u202e\U0001f600'
    r = analyst_api.post("/api/v1/feedback/", {"source": "web_form", "text": text}, format="json")
    assert r.status_code == 201
    assert r["Content-Type"].startswith("application/json")
    assert Feedback.objects.get().text == text
    assert json.loads(r.content)["text"] == text
    detail = analyst_api.get(f"/api/v1/feedback/{r.json()['id']}/")
    assert detail.json()["text"] == text and b"\\\"x\\\"" in detail.content  # JSON-escaped string


def test_huge_text_is_rejected_with_clear_message(analyst_api: APIClient) -> None:
    r = analyst_api.post("/api/v1/feedback/", {"source": "web_form", "text": "a" * 100_001}, format="json")
    assert r.status_code == 400
    assert r.json()["text"] == ["Text is too long: at most 100000 characters are allowed."]
    ok = analyst_api.post("/api/v1/feedback/", {"source": "web_form", "text": "a" * 100_000}, format="json")
    assert ok.status_code == 201


def test_oversized_body_is_a_json_413(analyst_api: APIClient, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = analyst_api.post("/api/v1/feedback/", {"source": "web_form", "text": "a" * 2000}, format="json")
    assert r.status_code == 413 and "1000 bytes" in r.json()["detail"]


def test_malformed_json_is_a_400(analyst_api: APIClient) -> None:
    r = analyst_api.post("/api/v1/feedback/", data="{not json", content_type="application/json")
    assert r.status_code == 400 and "JSON" in r.json()["detail"]


# ---------------------------------------------------------------------------------------------- redaction


def test_text_is_redacted_for_viewer_but_not_for_agent(
    analyst_api: APIClient, viewer_api: APIClient, agent: Any, make_feedback: Any
) -> None:
    pii = "Bitte ruft mich an: max.mustermann@example.org"
    r = analyst_api.post("/api/v1/feedback/", {"source": "web_form", "text": pii}, format="json")
    fid = r.json()["id"]
    stored = Feedback.objects.get(pk=fid)
    assert stored.text == pii and "[EMAIL]" in stored.text_redacted
    other = make_feedback(text="Original mit Name", text_redacted="Original mit [NAME]")
    plain = make_feedback(text="Kein PII hier", text_redacted="")

    v = viewer_api.get(f"/api/v1/feedback/{fid}/").json()
    assert "example.org" not in v["text"] and "[EMAIL]" in v["text"] and v["text_is_redacted"] is True
    listed = {f["id"]: f for f in viewer_api.get("/api/v1/feedback/").json()["results"]}
    assert listed[other.pk]["text"] == "Original mit [NAME]"
    assert listed[plain.pk]["text"] == "Kein PII hier" and listed[plain.pk]["text_is_redacted"] is False
    assert "example.org" not in json.dumps(listed)

    a = token_client(agent).get(f"/api/v1/feedback/{fid}/").json()
    assert a["text"] == pii and a["text_is_redacted"] is False
    assert analyst_api.get(f"/api/v1/feedback/{other.pk}/").json()["text"] == "Original mit Name"


def test_search_does_not_reveal_redacted_text_to_viewer(viewer_api: APIClient, agent: Any, make_feedback: Any) -> None:
    make_feedback(text="Herr Zimmermann war toll", text_redacted="[NAME] war toll")
    assert viewer_api.get("/api/v1/feedback/?q=zimmermann").json()["count"] == 0
    assert token_client(agent).get("/api/v1/feedback/?q=zimmermann").json()["count"] == 1


# ---------------------------------------------------------------------------------------------- update


def test_update_by_analyst_goes_through_service(analyst_api: APIClient, viewer_api: APIClient) -> None:
    r = analyst_api.post("/api/v1/feedback/", {"source": "web_form", "external_id": "u1", "text": "alt"},
                         format="json")
    fid = r.json()["id"]
    r = analyst_api.patch(f"/api/v1/feedback/{fid}/", {"text": "neu: a@b.de", "touchpoint": "invoice",
                                                      "external_id": "changed"}, format="json")
    assert r.status_code == 200, r.content
    item = Feedback.objects.get(pk=fid)
    assert item.text == "neu: a@b.de" and "[EMAIL]" in item.text_redacted and item.channel.code == "post"
    assert item.external_id == "u1" and item.dedupe_key == "ext:web_form:u1"
    assert analyst_api.patch(f"/api/v1/feedback/{fid}/", {"nps": 12}, format="json").status_code == 400
    assert viewer_api.patch(f"/api/v1/feedback/{fid}/", {"nps": 1}, format="json").status_code == 403
    assert analyst_api.delete(f"/api/v1/feedback/{fid}/").status_code == 403


# ---------------------------------------------------------------------------------------------- filters


@pytest.fixture
def filter_data(make_customer: Any, make_feedback: Any) -> dict[str, Any]:
    k = make_customer(external_id="K-F")
    return {
        "a": make_feedback(source="nps_survey", channel="email", touchpoint="newsletter", nps=2, language="de",
                           received_at=dt("2025-01-10T10:00"), text="Newsletter nervt"),
        "b": make_feedback(source="csat_survey", channel="website", touchpoint="online_checkout", csat=5,
                           ces=2, language="en", received_at=dt("2025-02-10T10:00"), text="Great checkout",
                           customer=k),
        "c": make_feedback(source="review_site", channel="delivery", touchpoint="delivery", rating=1, nps=9,
                           language="de", received_at=dt("2025-03-10T10:00"), text=""),
    }


FILTER_CASES = [
    ("channel=email", {"a"}),
    ("channel=email,website", {"a", "b"}),
    ("channel=email&channel=delivery", {"a", "c"}),
    ("source=csat_survey", {"b"}),
    ("touchpoint=delivery", {"c"}),
    ("stage=purchase", {"b"}),
    ("received_from=2025-02-01", {"b", "c"}),
    ("received_to=10.02.2025", {"a", "b"}),
    ("nps_min=7", {"c"}),
    ("nps_max=6", {"a"}),
    ("csat_min=4&csat_max=5", {"b"}),
    ("ces_max=3", {"b"}),
    ("rating_max=2", {"c"}),
    ("language=EN", {"b"}),
    ("customer=K-F", {"b"}),
    ("has_text=false", {"c"}),
    ("q=CHECKOUT", {"b"}),
    ("has_text=true&channel=delivery", set()),
]


def test_feedback_filters(viewer_api: APIClient, filter_data: dict[str, Any]) -> None:
    names_by_id = {v.pk: k for k, v in filter_data.items()}
    for query, expected in FILTER_CASES:
        r = viewer_api.get(f"/api/v1/feedback/?{query}")
        assert r.status_code == 200, (query, r.content)
        assert {names_by_id[f["id"]] for f in r.json()["results"]} == expected, query


def test_invalid_filter_is_400(viewer_api: APIClient) -> None:
    for query in ["channel=fax", "nps_max=11", "received_from=31.02.2025", "nps_min=8&nps_max=3"]:
        r = viewer_api.get(f"/api/v1/feedback/?{query}")
        assert r.status_code == 400 and r.json(), query


def test_feedback_ordering_and_pagination(viewer_api: APIClient, filter_data: dict[str, Any]) -> None:
    ids = [f["id"] for f in viewer_api.get("/api/v1/feedback/?ordering=received_at").json()["results"]]
    assert ids == [filter_data[k].pk for k in "abc"]
    page = viewer_api.get("/api/v1/feedback/?page_size=2&page=2").json()
    assert page["count"] == 3 and [f["id"] for f in page["results"]] == [filter_data["a"].pk]
    assert viewer_api.get("/api/v1/feedback/?ordering=text").status_code == 200  # unknown field: ignored


@pytest.mark.parametrize("n", [5, 50])
def test_feedback_list_query_count_is_fixed(
    n: int, viewer_api: APIClient, make_customer: Any, make_feedback: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(n):
        make_feedback(customer=make_customer(), touchpoint="delivery", channel="delivery")
    # token+user, user permissions, group permissions, count, page
    with django_assert_num_queries(5):
        r = viewer_api.get("/api/v1/feedback/?page_size=100")
    assert len(r.json()["results"]) == n
    assert {f["stage"] for f in r.json()["results"]} == {"post_purchase"}


# ---------------------------------------------------------------------------------------------- permissions


def test_feedback_permissions(viewer_api: APIClient, agent: Any, norole: Any, make_feedback: Any) -> None:
    f = make_feedback()
    payload = {"source": "manual", "text": "x"}
    assert viewer_api.get("/api/v1/feedback/").status_code == 200
    assert viewer_api.get(f"/api/v1/feedback/{f.pk}/").status_code == 200
    assert viewer_api.post("/api/v1/feedback/", payload, format="json").status_code == 403
    assert token_client(agent).post("/api/v1/feedback/", payload, format="json").status_code == 403
    assert token_client(norole).get("/api/v1/feedback/").status_code == 403
    assert token_client(norole).post("/api/v1/feedback/", payload, format="json").status_code == 403
    assert APIClient().get("/api/v1/feedback/").status_code == 401
    assert APIClient().post("/api/v1/feedback/", payload, format="json").status_code == 401
    assert Feedback.objects.count() == 1


# ---------------------------------------------------------------------------------------------- sources


def test_sources(analyst_api: APIClient, viewer_api: APIClient, admin: Any, make_feedback: Any) -> None:
    codes = {s["code"] for s in viewer_api.get("/api/v1/sources/?kind=survey").json()["results"]}
    assert codes == {"nps_survey", "csat_survey", "ces_survey"}
    r = analyst_api.post("/api/v1/sources/", {"code": "typeform", "name": "Typeform", "kind": "survey"}, format="json")
    assert r.status_code == 201, r.content
    assert analyst_api.patch("/api/v1/sources/typeform/", {"active": False}, format="json").json()["active"] is False
    assert {s["code"] for s in viewer_api.get("/api/v1/sources/?active=false").json()["results"]} == {"typeform"}
    assert analyst_api.post("/api/v1/sources/", {"code": "x y", "name": "", "kind": "fax"},
                            format="json").json().keys() == {"code", "name", "kind"}
    assert viewer_api.post("/api/v1/sources/", {"code": "v"}, format="json").status_code == 403
    make_feedback(source="typeform")
    admin_api = token_client(admin)
    assert admin_api.delete("/api/v1/sources/typeform/").status_code == 409
    assert FeedbackSource.objects.filter(code="typeform").exists()


def test_api_and_file_import_share_the_dedupe_rule(analyst_api: APIClient, make_customer: Any, tmp_path: Any) -> None:
    from resonanz.imports.services import import_file

    make_customer(external_id="K-7")
    csv = tmp_path / "feedback.csv"
    csv.write_text(
        "source;external_id;customer;received_at;text;nps\n"
        "nps_survey;r-1;K-7;2025-03-01 10:00;Mit Id;8\n"
        "web_form;;K-7;2025-03-02 11:30;Ohne  Id, nur Inhalt;\n",
        encoding="utf-8",
    )
    mapping = {"source": "source", "external_id": "external_id", "customer_external_id": "customer",
               "received_at": "received_at", "text": "text", "nps": "nps"}
    import_file(path=csv, kind="feedback", mapping=mapping)
    assert Feedback.objects.count() == 2
    with_id = analyst_api.post("/api/v1/feedback/", {"source": "nps_survey", "external_id": "r-1", "nps": 8,
                                                     "text": "Mit Id"}, format="json")
    by_content = analyst_api.post(
        "/api/v1/feedback/",
        {"source": "web_form", "customer": "K-7", "received_at": "2025-03-02T11:30:00+01:00",
         "text": "Ohne Id, nur Inhalt"},
        format="json",
    )
    assert (with_id.status_code, by_content.status_code) == (200, 200), (with_id.content, by_content.content)
    assert Feedback.objects.count() == 2
