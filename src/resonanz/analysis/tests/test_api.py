"""REST API of the analysis context: model outputs, corrections, taxonomy, trained models, topic suggestions,
semantic search, model quality, and the jobs they start."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from resonanz.analysis.models import Correction, FeedbackTopic, Topic, TopicSuggestion, TrainedClassifier
from resonanz.analysis.services import feedback_analyze
from resonanz.analysis.taxonomy import topics_ensure_default
from resonanz.feedback.models import Feedback, FeedbackSource
from resonanz.jobs.models import Job
from resonanz.testing import token_client

pytestmark = pytest.mark.django_db


def _fb(n: int, text: str, **kw: Any) -> Feedback:
    return Feedback.objects.create(
        source=FeedbackSource.objects.get(code="web_form"), received_at=timezone.make_aware(datetime(2026, 5, 1 + n % 28)),
        text=text, dedupe_key=f"api:{n}", **kw,
    )


@pytest.fixture
def clients(make_user: Any) -> dict[str, APIClient]:
    out = {role: token_client(make_user(role)) for role in ("viewer", "agent", "analyst", "admin")}
    out["norole"] = token_client(make_user(None))
    out["anonymous"] = APIClient()
    return out


def _codes(clients: dict[str, APIClient], method: str, url: str, data: Any = None) -> dict[str, int]:
    return {role: getattr(c, method)(url, data, format="json").status_code for role, c in clients.items()}


# ---------------------------------------------------------------------------------------------- permissions


def test_permission_matrix_of_reads(clients: dict[str, APIClient]) -> None:
    everyone = {"viewer": 200, "agent": 200, "analyst": 200, "admin": 200, "norole": 403, "anonymous": 401}
    analysts = everyone | {"viewer": 403, "agent": 403}
    for url in ["/api/v1/analyses/", "/api/v1/topics/", "/api/v1/model-quality/", "/api/v1/jobs/"]:
        assert _codes(clients, "get", url) == everyone, url
    for url in ["/api/v1/corrections/", "/api/v1/classifiers/", "/api/v1/topic-suggestions/"]:
        assert _codes(clients, "get", url) == analysts, url


def test_permission_matrix_of_writes(clients: dict[str, APIClient]) -> None:
    topics_ensure_default()
    # an empty body: 400 means the permission check passed and validation ran
    analysts = {"viewer": 403, "agent": 403, "analyst": 400, "admin": 400, "norole": 403, "anonymous": 401}
    for url in ["/api/v1/corrections/", "/api/v1/topics/", "/api/v1/topics/delivery/merge/",
                "/api/v1/topics/delivery/split/", "/api/v1/classifiers/train/", "/api/v1/classifiers/use-shipped/"]:
        assert _codes(clients, "post", url, {}) == analysts, url
    assert _codes(clients, "patch", "/api/v1/topics/delivery/", {"position": "x"}) == analysts
    # nothing is ever deleted or rewritten through the API
    assert clients["admin"].delete("/api/v1/topics/delivery/").status_code == 405
    c = Correction.objects.create(feedback=_fb(1, "x"), kind="sentiment", value="neutral")
    assert clients["admin"].delete(f"/api/v1/corrections/{c.pk}/").status_code == 405
    assert clients["admin"].patch(f"/api/v1/corrections/{c.pk}/", {"value": "positive"}).status_code == 405


# ---------------------------------------------------------------------------------------------- model outputs


def test_analyses_show_model_outputs_topics_and_the_latest_human_labels(
        clients: dict[str, APIClient], django_assert_max_num_queries: Any) -> None:
    bad = _fb(2, "Die Lieferung kam zwei Wochen zu spät und der Kundenservice war unfreundlich. Ich bin sauer!")
    good = _fb(3, "Great quality, the staff in the store were really helpful. Thank you!")
    feedback_analyze(feedback_ids=[bad.pk, good.pk])
    analyst = clients["analyst"]
    assert analyst.post("/api/v1/corrections/", {"feedback": good.pk, "kind": "sentiment", "value": "neutral"},
                        format="json").status_code == 201
    assert analyst.post("/api/v1/corrections/", {"feedback": good.pk, "kind": "sentiment", "value": "positive"},
                        format="json").status_code == 201
    for n in range(4, 14):  # more rows must not mean more queries
        feedback_analyze(feedback_ids=[_fb(n, f"Lieferung Nummer {n} kam pünktlich.").pk])
    with django_assert_max_num_queries(8):
        r = clients["viewer"].get("/api/v1/analyses/?page_size=50")
    assert r.status_code == 200 and r.json()["count"] == 12
    rows = {row["feedback"]: row for row in r.json()["results"]}
    b, g = rows[bad.pk], rows[good.pk]
    assert b["language"] == "de" and g["language"] == "en"
    assert b["sentiment"] == "negative" and -1 <= b["sentiment_score"] < 0
    assert "delivery" in {t["topic"] for t in b["topics"]}
    assert all({"score", "sentiment", "component", "name_de", "name_en"} <= set(t) for t in b["topics"])
    assert b["components"]["sentiment"].startswith("sentiment.") and b["human"] == {}
    assert g["human"] == {"sentiment": "positive"}  # the newest correction wins; the model output is untouched
    assert g["sentiment"] == Feedback.objects.get(pk=good.pk).analysis.sentiment
    # filters and the detail (by feedback id)
    neg = clients["viewer"].get("/api/v1/analyses/?sentiment=negative").json()
    assert bad.pk in {row["feedback"] for row in neg["results"]} and good.pk not in {
        row["feedback"] for row in neg["results"]}
    by_topic = clients["viewer"].get("/api/v1/analyses/?topic=delivery&language=de").json()["results"]
    assert bad.pk in {row["feedback"] for row in by_topic}
    assert {row["feedback"] for row in clients["viewer"].get(
        f"/api/v1/analyses/?feedback={bad.pk},{good.pk}").json()["results"]} == {bad.pk, good.pk}
    detail = clients["viewer"].get(f"/api/v1/analyses/{good.pk}/")
    assert detail.status_code == 200 and detail.json()["feedback"] == good.pk
    assert clients["viewer"].get("/api/v1/analyses/999999/").status_code == 404


def test_run_analyses_pending_feedback_as_a_job(clients: dict[str, APIClient], django_capture_on_commit_callbacks: Any) -> None:
    items = [_fb(20 + i, f"Sehr gute Beratung im Laden {i}") for i in range(3)]
    assert clients["viewer"].post("/api/v1/analyses/run/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        r = clients["analyst"].post("/api/v1/analyses/run/")
    assert r.status_code == 202 and r.json()["url"] == f"/api/v1/jobs/{r.json()['job']}/"
    job = clients["viewer"].get(r.json()["url"]).json()
    assert job["status"] == "done" and job["finished"] and job["kind"] == "analysis" and "params" not in job
    assert Feedback.objects.filter(pk__in=[f.pk for f in items], analysis__isnull=False).count() == 3
    queued = clients["analyst"].post("/api/v1/analyses/run/")  # not run yet (no commit callbacks executed)
    assert queued.status_code == 202
    again = clients["analyst"].post("/api/v1/analyses/run/")
    assert again.status_code == 200 and again.json() == {"job": None, "url": None}  # the waiting job covers it


# ---------------------------------------------------------------------------------------------- corrections


@pytest.mark.parametrize("kind,value,message", [
    ("sentiment", "sehr gut", "negative, neutral or positive"),
    ("sentiment", ["positive"], "negative, neutral or positive"),
    ("topics", "delivery", "list of topic keys"),
    ("topics", ["delivery", "<script>alert(1)</script>"], "unknown topics: <script>alert(1)</script>"),
    ("topics", ["delivery"] * 51, "at most 50 topic keys"),
    ("topics", [f"nope{i}" for i in range(30)], "and 20 more"),
    ("language", "Deutsch", "language code"),
    ("intent", "rant", "intent must be one of"),
    ("aspect", {"topic": "delivery"}, "aspect must be"),
    ("aspect", {"topic": "nope", "sentiment": "negative"}, "unknown topic: nope"),
])
def test_bad_corrections_are_refused_with_the_reason(clients: dict[str, APIClient], kind: str, value: Any,
                                                      message: str) -> None:
    topics_ensure_default()
    fb = _fb(30, "Paket kam beschädigt an")
    r = clients["analyst"].post("/api/v1/corrections/", {"feedback": fb.pk, "kind": kind, "value": value}, format="json")
    assert r.status_code == 400 and message in r.json()["value"][0], r.json()
    assert not Correction.objects.exists()


def test_corrections_are_stored_with_what_the_model_said(clients: dict[str, APIClient]) -> None:
    topics_ensure_default()
    fb = _fb(31, "Paket kam beschädigt an, sehr ärgerlich.")
    feedback_analyze(feedback_ids=[fb.pk])
    model_said = fb.analysis.sentiment
    analyst = clients["analyst"]
    created = [analyst.post("/api/v1/corrections/", {"feedback": fb.pk, "kind": k, "value": v}, format="json")
               for k, v in [("sentiment", "neutral"), ("topics", ["delivery", "product_quality"]),
                            ("language", "de"), ("intent", "complaint"),
                            ("aspect", {"topic": "delivery", "sentiment": "negative"})]]
    assert [r.status_code for r in created] == [201] * 5
    first = created[0].json()
    assert first["previous"] == model_said and first["created_by"].startswith("analyst") and first["value"] == "neutral"
    listed = clients["admin"].get(f"/api/v1/corrections/?feedback={fb.pk}&kind=topics").json()["results"]
    assert [c["value"] for c in listed] == [["delivery", "product_quality"]]
    assert clients["analyst"].post("/api/v1/corrections/", {"feedback": 999999, "kind": "sentiment",
                                                            "value": "neutral"}, format="json").status_code == 400


def test_quality_sample_over_the_api(clients: dict[str, APIClient]) -> None:
    items = [_fb(60 + i, t) for i, t in enumerate(["Furchtbar, nie wieder.", "Super, danke!", "Lieferung ok."])]
    feedback_analyze(feedback_ids=[f.pk for f in items])
    analyst = clients["analyst"]
    assert clients["viewer"].get("/api/v1/analyses/sample/").status_code == 403
    seen = []
    for _ in items:
        r = analyst.get("/api/v1/analyses/sample/?language=de")
        assert r.status_code == 200 and r.json()["feedback"] not in seen
        seen.append(r.json()["feedback"])
        label = r.json()["sentiment"]  # a confirmation counts as much as a correction
        posted = analyst.post("/api/v1/corrections/", {"feedback": r.json()["feedback"], "kind": "sentiment",
                                                       "value": label, "origin": "sample"}, format="json")
        assert posted.status_code == 201 and posted.json()["origin"] == "sample"
    assert analyst.get("/api/v1/analyses/sample/").status_code == 204
    twice = analyst.post("/api/v1/corrections/", {"feedback": seen[0], "kind": "sentiment", "value": "neutral",
                                                  "origin": "sample"}, format="json")
    assert twice.status_code == 400 and "already checked" in twice.json()["value"][0]
    quality = clients["viewer"].get("/api/v1/model-quality/").json()
    assert quality["sample"]["n"] == 3 and quality["sample"]["sentiment"][0]["accuracy"] == 1.0
    lo, hi = quality["sample"]["sentiment"][0]["interval"]
    assert 0 < lo < 1 and hi == 1.0
    bad = analyst.post("/api/v1/corrections/", {"feedback": items[0].pk, "kind": "sentiment", "value": "neutral",
                                                "origin": "guess"}, format="json")
    assert bad.status_code == 400 and "origin" in bad.json()


# ---------------------------------------------------------------------------------------------- taxonomy


def test_taxonomy_create_change_merge_split(clients: dict[str, APIClient]) -> None:
    analyst = clients["analyst"]
    r = analyst.post("/api/v1/topics/", {"name_de": "Verpackung", "name_en": "Packaging",
                                         "examples_de": ["Karton kaputt", "zu viel Plastik"]}, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["key"] == "packaging" and r.json()["origin"] == "user"
    child = analyst.post("/api/v1/topics/", {"name_de": "Karton", "name_en": "Box", "parent": "packaging"},
                         format="json")
    assert child.status_code == 201 and child.json()["key"] == "packaging.box"
    dup = analyst.post("/api/v1/topics/", {"key": "packaging", "name_de": "X", "name_en": "X"}, format="json")
    assert dup.status_code == 400 and "exists already" in dup.json()["key"][0]
    bad_key = analyst.post("/api/v1/topics/", {"key": "a b", "name_de": "X", "name_en": "X"}, format="json")
    assert bad_key.status_code == 400 and "key" in bad_key.json()
    no_name = analyst.post("/api/v1/topics/", {"name_de": "???", "name_en": "!!!"}, format="json")
    assert no_name.status_code == 400 and "letters or digits" in no_name.json()["non_field_errors"][0]
    # change (the key stays), and no cycles
    patched = analyst.patch("/api/v1/topics/packaging.box/", {"name_de": "Kartonage"}, format="json")
    assert patched.status_code == 200 and patched.json()["name_de"] == "Kartonage"
    assert analyst.patch("/api/v1/topics/packaging.box/", {"key": "box"}, format="json").status_code == 400
    cycle = analyst.patch("/api/v1/topics/packaging/", {"parent": "packaging.box"}, format="json")
    assert cycle.status_code == 400 and Topic.objects.get(key="packaging").parent is None
    # merge moves the assignments
    fb = _fb(40, "Karton war kaputt")
    FeedbackTopic.objects.create(feedback=fb, topic=Topic.objects.get(key="packaging"), score=0.9, component="t.v1")
    merged = analyst.post("/api/v1/topics/packaging/merge/", {"into": "delivery"}, format="json")
    assert merged.status_code == 200 and merged.json()["moved"] == 1 and merged.json()["topic"]["key"] == "delivery"
    assert FeedbackTopic.objects.get(feedback=fb).topic.key == "delivery"
    listed = clients["viewer"].get("/api/v1/topics/?active=false").json()["results"]
    assert [(t["key"], t["merged_into"]) for t in listed] == [("packaging", "delivery")]
    assert analyst.post("/api/v1/topics/delivery/merge/", {"into": "delivery"}, format="json").status_code == 400
    # split
    split = analyst.post("/api/v1/topics/delivery/split/", {"names": [
        {"name_de": "Paketdienst", "name_en": "Carrier"}, {"name_de": "Zustellzeit", "name_en": "Delivery time"}]},
        format="json")
    assert split.status_code == 201
    assert [t["key"] for t in split.json()] == ["delivery.carrier", "delivery.delivery_time"]
    one = analyst.post("/api/v1/topics/delivery/split/", {"names": [{"name_de": "Nur eins"}]}, format="json")
    assert one.status_code == 400 and "at least two" in one.json()["names"][0]
    children = clients["viewer"].get("/api/v1/topics/?parent__key=delivery").json()["results"]
    assert {t["key"] for t in children} >= {"delivery.carrier", "delivery.delivery_time"}


def test_hostile_topic_names_are_stored_verbatim_and_returned_as_json(clients: dict[str, APIClient]) -> None:
    name = '<img src=x onerror="alert(1)">=HYPERLINK("http://x")'
    r = clients["analyst"].post("/api/v1/topics/", {"name_de": name, "name_en": "Hostile name"}, format="json")
    assert r.status_code == 201 and r["Content-Type"] == "application/json"
    assert Topic.objects.get(key="hostile_name").name_de == name
    too_many = clients["analyst"].post("/api/v1/topics/", {"name_de": "A", "name_en": "A",
                                                           "examples_en": ["x"] * 101}, format="json")
    assert too_many.status_code == 400 and "examples_en" in too_many.json()


# ---------------------------------------------------------------------------------------------- trained models


def test_train_activate_and_go_back_to_the_shipped_model(clients: dict[str, APIClient], tmp_path: Any,
                                                         monkeypatch: Any,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path))
    items = [_fb(100 + i, f"Alles super, sehr zufrieden ({i})") for i in range(12)]
    items += [_fb(200 + i, f"Katastrophe, nie wieder ({i})") for i in range(12)]
    feedback_analyze(feedback_ids=[f.pk for f in items])
    analyst = clients["analyst"]
    with django_capture_on_commit_callbacks(execute=True):
        too_few = analyst.post("/api/v1/classifiers/train/", {"task": "sentiment"}, format="json")
    failed = Job.objects.get(pk=too_few.json()["job"])
    assert too_few.status_code == 202 and failed.status == "failed" and "at least 20" in failed.error
    for f in items:
        label = "positive" if "super" in f.text else "negative"
        assert analyst.post("/api/v1/corrections/", {"feedback": f.pk, "kind": "sentiment", "value": label},
                            format="json").status_code == 201
    assert analyst.post("/api/v1/classifiers/train/", {"task": "mood"}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        r = analyst.post("/api/v1/classifiers/train/", {"task": "sentiment"}, format="json")
    job = analyst.get(r.json()["url"]).json()
    assert job["status"] == "done" and job["counts"]["examples"] == 24 and job["counts"]["active"] is True
    listed = analyst.get("/api/v1/classifiers/?task=sentiment").json()["results"]
    assert len(listed) == 1 and listed[0]["active"] and listed[0]["metrics"]["cv_score"] == 1.0
    quality = clients["viewer"].get("/api/v1/model-quality/").json()
    assert quality["n_labels"] == 24 and [c["name"] for c in quality["active_classifiers"]] == ["corrections-sentiment"]
    assert quality["sentiment"][0]["language"] == "de"
    # back to the shipped model, then this head again; both re-analyse the stored feedback
    with django_capture_on_commit_callbacks(execute=True):
        back = analyst.post("/api/v1/classifiers/use-shipped/", {"task": "sentiment"}, format="json")
    assert back.status_code == 202 and not TrainedClassifier.objects.filter(active=True).exists()
    assert Job.objects.get(pk=back.json()["job"]).status == "done"
    with django_capture_on_commit_callbacks(execute=True):
        again = analyst.post(f"/api/v1/classifiers/{listed[0]['id']}/activate/")
    assert again.status_code == 202 and TrainedClassifier.objects.get(active=True).pk == listed[0]["id"]
    assert clients["viewer"].post(f"/api/v1/classifiers/{listed[0]['id']}/activate/").status_code == 403


# ---------------------------------------------------------------------------------------------- discovery


def test_suggestions_are_listed_and_decided(clients: dict[str, APIClient], django_capture_on_commit_callbacks: Any) -> None:
    topics_ensure_default()
    fbs = [_fb(300 + i, f"Gutscheincode {i} ging nicht, Mail an max@example.com") for i in range(3)]
    for f in fbs:
        f.text_redacted = f.text.replace("max@example.com", "[EMAIL]")
        f.save()
    quotes = [{"feedback_id": f.pk, "text": f.text} for f in fbs[:2]]
    a, b, c = (TopicSuggestion.objects.create(label=f"gutschein {i}", terms=["gutschein", "code"], size=3,
                                              quotes=quotes, member_ids=[f.pk for f in fbs],
                                              component="discovery.kmeans-ctfidf.v1") for i in range(3))
    analyst = clients["analyst"]
    listed = analyst.get("/api/v1/topic-suggestions/?status=open").json()
    assert listed["count"] == 3 and "max@example.com" in listed["results"][0]["quotes"][0]["text"]
    accepted = analyst.post(f"/api/v1/topic-suggestions/{a.pk}/accept/", {"name_de": "Gutscheine", "name_en": "Vouchers"},
                            format="json")
    assert accepted.status_code == 200 and accepted.json()["suggestion"]["status"] == "accepted"
    assert accepted.json()["topic"]["key"] == "vouchers" and FeedbackTopic.objects.filter(topic__key="vouchers").count() == 3
    merged = analyst.post(f"/api/v1/topic-suggestions/{b.pk}/merge/", {"into": "payment_billing"}, format="json")
    assert merged.status_code == 200 and merged.json()["suggestion"]["topic"] == "payment_billing"
    rejected = analyst.post(f"/api/v1/topic-suggestions/{c.pk}/reject/")
    assert rejected.status_code == 200 and rejected.json()["suggestion"]["status"] == "rejected"
    twice = analyst.post(f"/api/v1/topic-suggestions/{a.pk}/accept/", {"name_de": "Gutscheine", "name_en": "Vouchers"},
                         format="json")
    assert twice.status_code == 409 and "already decided (accepted)" in twice.json()["detail"]
    assert analyst.post(f"/api/v1/topic-suggestions/{c.pk}/merge/", {"into": "delivery"}, format="json").status_code == 409
    assert Topic.objects.filter(name_en="Vouchers").count() == 1
    d = TopicSuggestion.objects.create(label="x", terms=[], size=1, quotes=[], member_ids=[], component="t.v1")
    assert analyst.post(f"/api/v1/topic-suggestions/{d.pk}/accept/", {}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        run = analyst.post("/api/v1/topic-suggestions/run/")
    assert run.status_code == 202 and Job.objects.get(pk=run.json()["job"]).kind == "discovery"


def test_suggestion_quotes_are_redacted_for_roles_without_original_texts(make_user: Any) -> None:
    from django.contrib.auth.models import Permission

    fb = _fb(310, "Mail an max@example.com")
    fb.text_redacted = "Mail an [EMAIL]"
    fb.save()
    TopicSuggestion.objects.create(label="mail", terms=["mail"], size=1, quotes=[{"feedback_id": fb.pk, "text": fb.text}],
                                   member_ids=[fb.pk], component="discovery.kmeans-ctfidf.v1")
    viewer = make_user("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_topicsuggestion"))
    quotes = token_client(viewer).get("/api/v1/topic-suggestions/").json()["results"][0]["quotes"]
    assert quotes == [{"feedback_id": fb.pk, "text": "Mail an [EMAIL]"}]


# ---------------------------------------------------------------------------------------------- search


def test_semantic_search_finds_both_languages_and_redacts_for_viewers(clients: dict[str, APIClient]) -> None:
    topics_ensure_default()
    items = [
        _fb(400, "Die Lieferung kam viel zu spät, Rückfragen an anna.schmidt@example.de", text_redacted="Die Lieferung kam viel zu spät, Rückfragen an [EMAIL]"),
        _fb(401, "My parcel arrived two weeks late."),
        _fb(402, "Die Verkäuferin hat mich sehr freundlich beraten."),
        _fb(403, "Great coffee in the shop."),
    ]
    feedback_analyze(feedback_ids=[f.pk for f in items])
    r = clients["viewer"].get("/api/v1/search/", {"q": "Verspätete Lieferung", "k": 4})
    assert r.status_code == 200
    hits = [h["feedback"] for h in r.json()["results"]]
    assert hits[0] == items[0].pk and len(hits) == 4
    assert hits.index(items[1].pk) < hits.index(items[3].pk)  # the English late parcel before the coffee
    english = clients["viewer"].get("/api/v1/search/", {"q": "late delivery", "k": 1}).json()["results"]
    assert [h["feedback"] for h in english] == [items[1].pk]
    hits = r.json()["results"]
    first = next(h for h in hits if h["feedback"] == items[0].pk)
    assert first["text_is_redacted"] and "[EMAIL]" in first["text"] and "example.de" not in r.content.decode()
    assert clients["agent"].get("/api/v1/search/", {"q": "Verspätete Lieferung", "k": 2}).content.decode().count(
        "anna.schmidt@example.de") >= 1
    assert any(t["topic"] == "delivery" for t in r.json()["themes"])
    assert clients["viewer"].get("/api/v1/search/").status_code == 400
    bad_k = clients["viewer"].get("/api/v1/search/", {"q": "x", "k": 1000})
    assert bad_k.status_code == 400 and "k" in bad_k.json()
    assert clients["norole"].get("/api/v1/search/", {"q": "x"}).status_code == 403
    assert clients["anonymous"].get("/api/v1/search/", {"q": "x"}).status_code == 401


# ---------------------------------------------------------------------------------------------- feedback API hook


def test_feedback_sent_over_the_api_is_analysed(clients: dict[str, APIClient],
                                                django_capture_on_commit_callbacks: Any) -> None:
    analyst = clients["analyst"]
    with django_capture_on_commit_callbacks(execute=False):
        for n in range(3):  # a burst shares one waiting job
            analyst.post("/api/v1/feedback/", {"source": "web_form", "text": f"Tolle Beratung {n}"}, format="json")
    assert Job.objects.filter(kind="analysis", status="queued").count() == 1
    Job.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        r = analyst.post("/api/v1/feedback/", {"source": "web_form", "text": "Lieferung kam nie an, furchtbar"},
                         format="json")
    analysis = clients["viewer"].get(f"/api/v1/analyses/{r.json()['id']}/").json()
    assert analysis["sentiment"] == "negative"
    with django_capture_on_commit_callbacks(execute=True):
        analyst.patch(f"/api/v1/feedback/{r.json()['id']}/", {"text": "Lieferung kam pünktlich, super!"}, format="json")
    assert clients["viewer"].get(f"/api/v1/analyses/{r.json()['id']}/").json()["sentiment"] == "positive"


# ---------------------------------------------------------------------------------------------- OpenAPI


def test_schema_of_the_analysis_and_jobs_api_generates_without_warnings() -> None:
    from drf_spectacular.validation import validate_schema

    from resonanz.testing import api_schema

    schema, problems = api_schema(["analysis", "jobs"])
    assert problems == {}
    validate_schema(schema)
    assert {"/api/v1/analyses/{feedback}/", "/api/v1/corrections/", "/api/v1/topics/{key}/split/",
            "/api/v1/classifiers/{id}/activate/", "/api/v1/topic-suggestions/{id}/accept/", "/api/v1/search/",
            "/api/v1/model-quality/", "/api/v1/jobs/{id}/"} <= set(schema["paths"])
