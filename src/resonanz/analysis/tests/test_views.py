"""Analysis pages: permissions, one-click corrections, taxonomy edits, discovery decisions, search."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from resonanz.accounts.services import user_create
from resonanz.analysis.models import Correction, FeedbackTopic, Topic, TopicSuggestion
from resonanz.analysis.selectors import topic_tree
from resonanz.analysis.services import feedback_analyze
from resonanz.analysis.taxonomy import topics_ensure_default
from resonanz.feedback.models import Feedback, FeedbackSource

pytestmark = pytest.mark.django_db


def _client(role: str) -> Client:
    user, pw = user_create(username=f"u-{role}", role=role)
    c = Client()
    assert c.login(username=user.username, password=pw)
    return c


def _fb(n: int, text: str) -> Feedback:
    return Feedback.objects.create(
        source=FeedbackSource.objects.get(code="web_form"), received_at=timezone.make_aware(datetime(2026, 5, n)),
        text=text, dedupe_key=f"v:{n}",
    )


def test_pages_require_login_and_the_right_role() -> None:
    anon = Client()
    resp = anon.get(reverse("analysis:quality"))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    viewer = _client("viewer")
    assert viewer.get(reverse("analysis:quality")).status_code == 200
    assert viewer.get(reverse("analysis:taxonomy")).status_code == 200
    fb = _fb(1, "ok")
    assert viewer.post(reverse("analysis:correct", args=[fb.pk]), {"kind": "sentiment", "value": "neutral"}).status_code == 403
    assert viewer.get(reverse("analysis:discovery")).status_code == 403
    assert viewer.post(reverse("analysis:taxonomy"), {"name_de": "X", "name_en": "X"}).status_code == 403


def test_one_click_sentiment_correction_is_stored_and_shown_in_the_panel() -> None:
    fb = _fb(2, "Die Jacke ist super, aber die Lieferung dauerte ewig <script>alert(1)</script>")
    feedback_analyze(feedback_ids=[fb.pk])
    analyst = _client("analyst")
    resp = analyst.post(reverse("analysis:correct", args=[fb.pk]), {"kind": "sentiment", "value": "negative"},
                        HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    assert b'data-testid="human-sentiment">negative<' in resp.content
    assert Correction.objects.get(feedback=fb).value == "negative"
    bad = analyst.post(reverse("analysis:correct", args=[fb.pk]), {"kind": "sentiment", "value": "<b>"})
    assert bad.status_code == 400
    topics = analyst.post(reverse("analysis:correct", args=[fb.pk]), {"kind": "topics", "value": ["delivery", "product_quality"]},
                          HTTP_HX_REQUEST="true")
    assert topics.status_code == 200 and Correction.objects.filter(kind="topics").count() == 1


def test_quality_page_reports_accuracy_against_human_labels() -> None:
    a = _fb(3, "Ganz furchtbarer Service, nie wieder!")
    b = _fb(4, "Vielen Dank, alles perfekt gelaufen.")
    feedback_analyze(feedback_ids=[a.pk, b.pk])
    analyst = _client("analyst")
    analyst.post(reverse("analysis:correct", args=[a.pk]), {"kind": "sentiment", "value": "negative"})
    analyst.post(reverse("analysis:correct", args=[b.pk]), {"kind": "sentiment", "value": "negative"})
    resp = analyst.get(reverse("analysis:quality"))
    rows = resp.context["quality"].sentiment
    assert [(r.language, r.n, r.correct) for r in rows] == [("de", 2, 1)]


def test_taxonomy_create_merge_and_split() -> None:
    topics_ensure_default()
    analyst = _client("analyst")
    resp = analyst.post(reverse("analysis:taxonomy"), {"name_de": "Verpackung", "name_en": "Packaging",
                                                       "examples_de": "Karton kaputt\nzu viel Plastik"})
    assert resp.status_code == 302
    pack = Topic.objects.get(key="packaging")
    assert pack.examples_de == ["Karton kaputt", "zu viel Plastik"]
    fb = _fb(5, "Karton war kaputt")
    FeedbackTopic.objects.create(feedback=fb, topic=pack, score=0.9, component="t.v1")
    delivery = Topic.objects.get(key="delivery")
    analyst.post(reverse("analysis:topic_edit", args=[pack.pk]), {"action": "merge", "target": delivery.pk})
    pack.refresh_from_db()
    assert pack.merged_into == delivery and not pack.active
    assert FeedbackTopic.objects.get(feedback=fb).topic == delivery
    analyst.post(reverse("analysis:topic_edit", args=[delivery.pk]),
                 {"action": "split", "names": "Paketdienst | Carrier\nZustellzeit | Delivery time"})
    assert set(Topic.objects.filter(parent=delivery, origin="user").values_list("name_en", flat=True)) >= {"Carrier", "Delivery time"}


def test_sub_topics_can_be_created_and_edited_in_the_editor() -> None:
    # dotted keys below a parent used to fail the model's slug validation: a 500 on create and on edit
    topics_ensure_default()
    analyst = _client("analyst")
    delivery = Topic.objects.get(key="delivery")
    resp = analyst.post(reverse("analysis:taxonomy"), {"name_de": "Paketdienst", "name_en": "Parcel service",
                                                       "parent": delivery.pk})
    assert resp.status_code == 302
    sub = Topic.objects.get(key="delivery.parcel_service")
    assert sub.parent == delivery
    again = analyst.post(reverse("analysis:taxonomy"), {"name_de": "Paketdienst", "name_en": "Parcel service",
                                                        "parent": delivery.pk})
    assert again.status_code == 302 and Topic.objects.filter(key="delivery.parcel_service_2").exists()
    edit = analyst.post(reverse("analysis:topic_edit", args=[sub.pk]),
                        {"action": "save", "name_de": "Paketdienstleister", "name_en": "Parcel service",
                         "parent": delivery.pk})
    assert edit.status_code == 302
    sub.refresh_from_db()
    assert sub.name_de == "Paketdienstleister"
    # a name without letters or digits gets a clear form error, not a crash
    bad = analyst.post(reverse("analysis:taxonomy"), {"name_de": "???", "name_en": "!!!"})
    assert bad.status_code == 200 and "letters or digits" in bad.content.decode()
    # no cycles: the parent cannot become a child of its own sub-topic
    cycle = analyst.post(reverse("analysis:topic_edit", args=[delivery.pk]),
                         {"action": "save", "name_de": delivery.name_de, "name_en": delivery.name_en,
                          "parent": sub.pk})
    assert cycle.status_code == 200
    delivery.refresh_from_db()
    assert delivery.parent is None


def test_discovery_suggestion_can_be_accepted_as_a_topic() -> None:
    topics_ensure_default()
    fbs = [_fb(10 + i, f"Text {i}") for i in range(3)]
    s = TopicSuggestion.objects.create(label="gutschein / code", terms=["gutschein", "code"], size=3,
                                       quotes=[{"feedback_id": fbs[0].pk, "text": "Gutscheincode ging nicht"}],
                                       member_ids=[f.pk for f in fbs], component="discovery.kmeans-ctfidf.v1")
    analyst = _client("analyst")
    page = analyst.get(reverse("analysis:discovery"))
    assert b"Gutscheincode ging nicht" in page.content
    analyst.post(reverse("analysis:suggestion_decide", args=[s.pk]),
                 {"action": "accept", "name_de": "Gutscheine", "name_en": "Vouchers"})
    s.refresh_from_db()
    assert s.status == "accepted" and s.topic.key == "vouchers" and s.topic.origin == "discovered"
    assert FeedbackTopic.objects.filter(topic=s.topic).count() == 3
    again = analyst.post(reverse("analysis:suggestion_decide", args=[s.pk]),
                         {"action": "accept", "name_de": "Gutscheine", "name_en": "Vouchers"}, follow=True)
    assert "schon entschieden" in again.content.decode() and Topic.objects.filter(name_en="Vouchers").count() == 1


GERMAN = [
    "Die Beratung im Laden war sehr kompetent.", "Der Preis ist für die Qualität zu hoch.", "Tolle Auswahl an Zelten.",
    "Die Verkäuferin war unfreundlich.", "Die Jacke hält wirklich warm.", "Der Reißverschluss ist nach einer Woche kaputt.",
    "Die Website ist übersichtlich.", "Ich finde die Größentabelle verwirrend.", "Die Filiale war sauber und hell.",
    "Der Newsletter kommt zu oft.", "Gute Rabatte im Winterschlussverkauf.", "Die Schuhe passen perfekt.",
    "Der Rucksack ist sehr leicht.", "Die Kasse war lange geschlossen.", "Das Kundenkonto lässt sich nicht löschen.",
    "Die Rechnung war fehlerhaft.", "Die Hose ist nach dem Waschen eingelaufen.", "Sehr nachhaltige Materialien, toll.",
    "Die Hotline war ständig besetzt.", "Ich mag die Farben der neuen Kollektion.", "Parkplätze vor dem Laden fehlen.",
    "Die App zeigt falsche Preise an.",
]
ENGLISH = [
    "The staff in the store gave great advice.", "Too expensive for what you get.", "Lovely choice of tents.",
    "The jacket keeps me warm.", "The zipper broke after a week.", "The website is easy to use.",
    "The size chart is confusing.", "The store was clean and bright.", "Too many newsletters.",
    "Great winter sale discounts.", "The shoes fit perfectly.", "The backpack is really light.",
    "The invoice had the wrong address.", "The trousers shrank in the wash.", "I love the sustainable materials.",
    "The hotline was always busy.", "Nice colours this season.", "No parking near the shop.",
    "The app shows wrong prices.", "My account cannot be deleted.",
]


def test_semantic_search_finds_english_feedback_for_a_german_query() -> None:
    late = _fb(1, "The parcel arrived two weeks late and the box was crushed.")
    others = [
        Feedback.objects.create(source=late.source, received_at=late.received_at, text=t, dedupe_key=f"s:{i}")
        for i, t in enumerate(GERMAN + ENGLISH)
    ]
    feedback_analyze(feedback_ids=[late.pk, *[f.pk for f in others]])
    viewer = _client("viewer")
    resp = viewer.get(reverse("analysis:search"), {"q": "Mein Paket kam viel zu spät an"})
    assert resp.status_code == 200
    top3 = [r["feedback"].pk for r in resp.context["results"][:3]]
    assert late.pk in top3


def test_trained_models_can_be_activated_and_switched_back_only_with_the_permission(tmp_path, monkeypatch) -> None:
    from resonanz.analysis.models import TrainedClassifier
    from resonanz.jobs.models import Job

    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path))
    fb = _fb(20, "Alles gut <script>alert(1)</script>")
    feedback_analyze(feedback_ids=[fb.pk])
    tc = TrainedClassifier.objects.create(
        name="corrections-sentiment", task="sentiment", version=3, path=str(tmp_path / "x"), n_examples=40,
        metrics={"cv_score": 0.61, "before_score": 0.72, "agreement": 0.9, "n_background": 900, "recommend": False,
                 "reason": "cross-validated 0.610 < 0.720 <b>x</b>"})
    viewer, analyst = _client("viewer"), _client("analyst")
    page = analyst.get(reverse("analysis:quality"))
    assert b'data-testid="trained-models"' in page.content and "0,610" in page.content.decode()
    assert b'data-testid="outdated">0 ' in page.content
    assert "schlechter als das Modell vorher" in page.content.decode()
    assert viewer.post(reverse("analysis:activate"), {"task": "sentiment", "classifier": tc.pk}).status_code == 403
    assert analyst.post(reverse("analysis:activate"), {"task": "topics", "classifier": tc.pk}).status_code == 400
    assert analyst.post(reverse("analysis:activate"), {"task": "sentiment", "classifier": "x"}).status_code == 400
    n_jobs = Job.objects.count()
    resp = analyst.post(reverse("analysis:activate"), {"task": "sentiment", "classifier": tc.pk})
    assert resp.status_code == 302 and "/jobs/" in resp["Location"] and Job.objects.count() == n_jobs + 1
    tc.refresh_from_db()
    assert tc.active
    broken = analyst.get(reverse("analysis:quality"))  # the active head's files are missing: still usable
    assert b'data-testid="in-sample-note"' in broken.content and b'data-testid="model-error"' in broken.content
    analyst.post(reverse("analysis:activate"), {"task": "sentiment"})  # back to the shipped model
    tc.refresh_from_db()
    assert not tc.active


def test_quality_check_labels_random_items_blind_and_measures_without_the_correction_bias() -> None:
    import random

    from resonanz.analysis.selectors import model_quality, review_candidate

    topics_ensure_default()
    de = [_fb(20 + i, t) for i, t in enumerate([
        "Ganz furchtbarer Service, nie wieder!", "Vielen Dank, alles perfekt gelaufen.",
        "Die Lieferung kam pünktlich.", "Die Jacke ist kaputt angekommen, sehr ärgerlich."])]
    en = [_fb(25, "The staff were lovely, thank you!")]
    feedback_analyze(feedback_ids=[f.pk for f in de + en])
    rng = random.Random(7)
    assert {review_candidate(rng=rng).pk for _ in range(60)} == {f.pk for f in de + en}  # every item can be drawn
    assert {review_candidate(language="en", rng=rng).pk for _ in range(10)} == {en[0].pk}
    assert _client("viewer").get(reverse("analysis:review")).status_code == 403
    analyst = _client("analyst")
    # an ordinary correction (given while reading, where the model was wrong) does not take an item out
    wrong = next(s for s in ("negative", "neutral", "positive") if s != de[0].analysis.sentiment)
    analyst.post(reverse("analysis:correct", args=[de[0].pk]), {"kind": "sentiment", "value": wrong})
    seen, disagree_with = [], de[2].pk
    for _ in range(len(de)):
        page = analyst.get(reverse("analysis:review"), {"lang": "de"})
        assert page.status_code == 200 and b'data-testid="model-sentiment"' not in page.content  # blind
        assert b" checked" not in page.content  # topics blind too: nothing pre-selected
        item = page.context["feedback"]
        # every active topic is offered, the same list for every item, whatever the model found
        assert [t.key for t, _ in page.context["offered"]] == [t.key for t, _ in topic_tree() if t.active]
        assert item.pk not in seen and item.analysis.language == "de"
        seen.append(item.pk)
        model_said = item.analysis.sentiment
        label = model_said if item.pk != disagree_with else next(
            s for s in ("negative", "neutral", "positive") if s != model_said)
        topics = list(FeedbackTopic.objects.filter(feedback=item).values_list("topic__key", flat=True))
        resp = analyst.post(reverse("analysis:review"), {"feedback": item.pk, "lang": "de", "sentiment": label,
                                                         "topics": topics, "topics_checked": "1"})
        assert resp.status_code == 302 and resp["Location"].endswith("?lang=de")
    assert sorted(seen) == sorted(f.pk for f in de)
    done = analyst.get(reverse("analysis:review"), {"lang": "de"})
    assert b'data-testid="review-empty"' in done.content
    # a second submission of a checked item is refused, nothing is stored twice
    again = analyst.post(reverse("analysis:review"), {"feedback": de[1].pk, "sentiment": "neutral"}, follow=True)
    assert "already checked" in again.content.decode()
    assert Correction.objects.filter(origin="sample", kind="sentiment").count() == 4
    assert Correction.objects.filter(origin="sample", kind="topics").count() == 4
    q = model_quality()
    assert [(r.language, r.n, r.correct) for r in q.sample_sentiment] == [("de", 4, 3)]
    assert q.n_sample == 4 and q.sample_topics[0]["f1"] == 1.0  # the model's own topics were confirmed
    lo, hi = q.sample_sentiment[0].interval
    assert 0 < lo < 0.75 < hi <= 1
    # all labels: de[0]'s newest label is the sample one; the ordinary correction no longer counts against it
    assert [(r.language, r.n) for r in q.sentiment] == [("de", 4)]
    page = analyst.get(reverse("analysis:quality")).content.decode()
    assert 'data-testid="sample-quality"' in page and "75 %" in page
