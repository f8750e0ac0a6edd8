"""Analysis of stored feedback: outputs with provenance, idempotency, corrections never overwritten."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from django.utils import timezone

from resonanz.accounts.services import user_create
from resonanz.analysis.models import Correction, FeedbackAnalysis, FeedbackEmbedding, FeedbackTopic, Topic
from resonanz.analysis.services import correction_create, feedback_analyze
from resonanz.analysis.taxonomy import taxonomy_dict, topics_ensure_default
from resonanz.feedback.models import Feedback, FeedbackSource

pytestmark = pytest.mark.django_db


def _fb(n: int, text: str) -> Feedback:
    return Feedback.objects.create(
        source=FeedbackSource.objects.get(code="web_form"), received_at=timezone.make_aware(datetime(2026, 5, 1)),
        text=text, dedupe_key=f"t:{n}",
    )


def test_analysis_stores_outputs_with_component_versions_and_skips_unchanged_items() -> None:
    items = [
        _fb(1, "Die Lieferung kam drei Tage zu spät und der Karton war beschädigt. Sehr ärgerlich!"),
        _fb(2, "Super freundliche Beratung im Laden, ich komme gerne wieder."),
        _fb(3, "   "),
        _fb(4, "Please call me at +49 171 1234567, my order never arrived."),
    ]
    counts = feedback_analyze(feedback_ids=[f.id for f in items])
    assert counts == {"analysed": 4, "skipped": 0}

    neg = FeedbackAnalysis.objects.get(feedback=items[0])
    pos = FeedbackAnalysis.objects.get(feedback=items[1])
    assert neg.sentiment == "negative" and pos.sentiment == "positive"
    assert neg.language == "de" and neg.components["sentiment"].startswith("sentiment.")
    assert all(name.rsplit(".", 1)[-1].startswith("v") for name in neg.components.values())
    assert FeedbackTopic.objects.filter(feedback=items[0], topic__key__startswith="delivery").exists()
    assert FeedbackEmbedding.objects.filter(feedback=items[0]).exists()
    assert not FeedbackEmbedding.objects.filter(feedback=items[2]).exists()  # empty text: no vector
    assert FeedbackAnalysis.objects.get(feedback=items[2]).sentiment == ""
    phone = Feedback.objects.get(pk=items[3].pk)
    assert "1234567" not in phone.text_redacted and "1234567" in phone.text  # original kept, redacted beside it

    again = feedback_analyze(feedback_ids=[f.id for f in items])
    assert again == {"analysed": 0, "skipped": 4}


def test_corrections_are_kept_when_the_model_runs_again() -> None:
    fb = _fb(10, "Alles bestens, danke!")
    feedback_analyze(feedback_ids=[fb.id])
    user, _ = user_create(username="ana", role="analyst")
    correction_create(feedback=fb, kind="sentiment", value="neutral", user=user)
    feedback_analyze(feedback_ids=[fb.id], force=True)
    c = Correction.objects.get(feedback=fb)
    assert c.value == "neutral" and c.previous in {"positive", "neutral", "negative"}
    with pytest.raises(ValueError, match="sentiment must be"):
        correction_create(feedback=fb, kind="sentiment", value="great", user=user)
    with pytest.raises(ValueError, match="unknown topics: nope"):
        correction_create(feedback=fb, kind="topics", value=["nope"], user=user)


def test_default_taxonomy_is_seeded_once_and_exported_parents_first() -> None:
    assert topics_ensure_default() > 5
    assert topics_ensure_default() == 0
    data = taxonomy_dict()
    seen: set[str] = set()
    for t in data["topics"]:
        assert t["parent"] is None or t["parent"] in seen
        seen.add(t["key"])
    Topic.objects.filter(key=data["topics"][0]["key"]).update(active=False)
    assert data["topics"][0]["key"] not in {t["key"] for t in taxonomy_dict()["topics"]}


def test_training_from_corrections_needs_enough_labels_then_activates_a_model(tmp_path, monkeypatch) -> None:
    from resonanz.analysis.models import TrainedClassifier
    from resonanz.analysis.services import pipeline_get
    from resonanz.analysis.training import classifier_train_from_corrections

    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path))
    user, _ = user_create(username="trainer", role="analyst")
    texts = [("Alles super, sehr zufrieden", "positive"), ("Katastrophe, nie wieder", "negative")]
    items = [_fb(100 + i, f"{t} ({i})") for i in range(12) for t, _ in texts[:1]]
    items += [_fb(200 + i, f"{texts[1][0]} ({i})") for i in range(12)]
    with pytest.raises(ValueError, match="only 0 human sentiment labels"):
        classifier_train_from_corrections(task="sentiment")
    feedback_analyze(feedback_ids=[f.id for f in items])
    for f in items:
        correction_create(feedback=f, kind="sentiment", value="positive" if "super" in f.text else "negative", user=user)
    info = classifier_train_from_corrections(task="sentiment")
    assert info["examples"] == 24 and info["version"] == 1 and info["background"] == 0  # every item is labelled
    assert info["cv_score"] == 1.0 and info["active"] is True
    active = TrainedClassifier.objects.get(active=True)
    assert active.task == "sentiment" and active.n_examples == 24
    assert pipeline_get().components()["sentiment"].startswith("sentiment.custom-corrections-sentiment")
    # a topic head trained afterwards does not switch the sentiment head off: one active head per task
    keys = list(Topic.objects.filter(parent__isnull=True).values_list("key", flat=True)[:2])
    for f in items:
        correction_create(feedback=f, kind="topics", value=[keys[0] if "super" in f.text else keys[1]], user=user)
    classifier_train_from_corrections(task="topics")
    classifier_train_from_corrections(task="sentiment")  # retraining replaces only the sentiment head
    assert sorted(TrainedClassifier.objects.filter(active=True).values_list("task", "version")) == [
        ("sentiment", 2), ("topics", 1)]
    comps = pipeline_get().components()
    assert comps["sentiment"].startswith("sentiment.custom-corrections-sentiment-v2")
    assert comps["topics"].startswith("topics.custom-corrections-topics-v1")


def test_training_mixes_in_model_labelled_feedback_and_activation_is_checked(tmp_path, monkeypatch) -> None:
    """Corrections where the model was wrong plus other analysed feedback with the model's labels; a model
    forced inactive stays inactive; going back to the shipped model re-analyses the stored feedback."""
    from resonanz.analysis.models import TrainedClassifier
    from resonanz.analysis.services import pipeline_get
    from resonanz.analysis.training import classifier_activate, classifier_train_from_corrections
    from resonanz.jobs.models import Job

    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path))
    user, _ = user_create(username="trainer2", role="analyst")
    good = [_fb(300 + i, f"Alles super, sehr zufrieden mit Bestellung {i}") for i in range(15)]
    bad = [_fb(400 + i, f"Katastrophe, nie wieder bestelle ich {i}") for i in range(15)]
    other = [_fb(500 + i, f"Die Lieferung war pünktlich, danke ({i})") for i in range(10)]
    feedback_analyze(feedback_ids=[f.id for f in good + bad + other])
    # the analyst says the "Katastrophe" texts are neutral (an in-house joke): the model said negative
    for f in good:
        correction_create(feedback=f, kind="sentiment", value="positive", user=user)
    for f in bad:
        correction_create(feedback=f, kind="sentiment", value="neutral", user=user)
    info = classifier_train_from_corrections(task="sentiment", activate=False)
    assert info["examples"] == 30 and info["background"] + info["background_left_out"] == 10
    assert info["active"] is False
    tc = TrainedClassifier.objects.get(version=info["version"], name="corrections-sentiment")
    assert not tc.active and tc.metrics["n_background"] == info["background"] and tc.metrics["before_score"] is not None
    assert tc.metrics["before_score"] < tc.metrics["cv_score"]  # the model said negative; the head learnt neutral
    assert not pipeline_get().components()["sentiment"].startswith("sentiment.custom")

    jobs_before = Job.objects.count()
    classifier_activate(task="sentiment", classifier=tc, user=user)
    assert pipeline_get().components()["sentiment"].startswith("sentiment.custom-corrections-sentiment")
    assert Job.objects.count() == jobs_before + 1  # the stored feedback is re-analysed with the new head
    with pytest.raises(ValueError, match="is a sentiment model, not topics"):
        classifier_activate(task="topics", classifier=tc)
    classifier_activate(task="sentiment", classifier=None)
    assert not TrainedClassifier.objects.filter(active=True).exists()
    assert not pipeline_get().components()["sentiment"].startswith("sentiment.custom")


def test_training_takes_huge_and_hostile_corrected_texts(tmp_path, monkeypatch) -> None:
    from resonanz.analysis.training import TEXT_CUT, _texts_and_vectors, classifier_train_from_corrections

    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path))
    user, _ = user_create(username="trainer3", role="analyst")
    # (no NUL byte: PostgreSQL text columns refuse it, so none can be stored to train on)
    hostile = "<script>alert(1)</script> =HYPERLINK(\"http://x\") \x07\ufffd Lieferung kaputt! " * 20_000  # ~1.3 MB
    items = [_fb(600, hostile)] + [_fb(601 + i, f"{'Top Service' if i % 2 else 'Ganz schlecht'} Nr. {i}")
                                   for i in range(21)]
    feedback_analyze(feedback_ids=[f.id for f in items])
    for f in items:
        correction_create(feedback=f, kind="sentiment", value="positive" if "Top" in f.text else "negative",
                          user=user)
    texts, X = _texts_and_vectors([items[0].id])
    assert len(texts[0]) <= TEXT_CUT and X.shape == (1, 384) and np.isfinite(X).all()
    info = classifier_train_from_corrections(task="sentiment", activate=False)
    assert info["examples"] == 22 and info["cv_score"] is not None


def test_merging_a_topic_into_its_own_sub_topic_keeps_the_tree_and_the_labels_whole() -> None:
    from resonanz.analysis.selectors import human_labels, model_quality, topic_tree
    from resonanz.analysis.taxonomy import topic_merge

    topics_ensure_default()
    fb = _fb(600, "Paket kam zu spät")
    feedback_analyze(feedback_ids=[fb.pk])
    correction_create(feedback=fb, kind="topics", value=["delivery", "price_value"], user=None)
    delivery, delay = Topic.objects.get(key="delivery"), Topic.objects.get(key="delivery.delay")
    topic_merge(source=delivery, target=delay)
    delay.refresh_from_db()
    assert delay.parent is None  # moved up to where "delivery" was; it used to hang below a merged topic
    tree = {t.key: depth for t, depth in topic_tree()}
    assert tree["delivery.delay"] == 0 and tree["delivery.damaged"] == 1 and "delivery" not in tree
    assert Topic.objects.get(key="delivery.damaged").parent == delay
    # a label given before the merge means the topic it was merged into (for training and for quality)
    assert human_labels(kind="topics")[fb.pk][0] == ["delivery.delay", "price_value"]
    assert model_quality().topics[0]["n"] == 1


def test_a_taxonomy_change_renews_the_stored_analyses_and_keeps_decided_assignments(
        django_capture_on_commit_callbacks) -> None:
    from resonanz.analysis.models import TopicSuggestion
    from resonanz.analysis.services import analysis_outdated_count
    from resonanz.analysis.taxonomy import suggestion_accept, topic_split
    from resonanz.jobs.models import Job

    topics_ensure_default()
    items = [_fb(700 + i, t) for i, t in enumerate(["Der Rabatt wurde an der Kasse nicht abgezogen.",
                                                    "Versandkosten sind viel zu hoch.", "Alles bestens."])]
    feedback_analyze(feedback_ids=[f.pk for f in items])
    assert analysis_outdated_count() == 0
    s = TopicSuggestion.objects.create(label="x", terms=["x"], size=1, quotes=[], member_ids=[items[2].pk],
                                       component="discovery.kmeans-ctfidf.v1")
    with django_capture_on_commit_callbacks(execute=False):
        accepted = suggestion_accept(suggestion=s, name_de="Lob", name_en="Praise", parent=None, user=None)
        topic_split(topic=Topic.objects.get(key="price_value"),
                    names=[("Rabatte", "Discounts"), ("Versandkosten", "Shipping costs")])
    waiting = Job.objects.filter(kind="analysis", status="queued", params__refresh=True)
    assert waiting.count() == 1  # two edits, one waiting job
    assert analysis_outdated_count() == 3  # analysed with the old taxonomy
    from resonanz.analysis.tasks import analyze_feedback_task

    job = waiting.get()
    counts = analyze_feedback_task.call(job_id=job.pk)
    assert counts["analysed"] + counts["renewed_from_embeddings"] == 3 and analysis_outdated_count() == 0
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total) == ("done", 3, 3)
    keys = set(FeedbackTopic.objects.filter(feedback=items[0]).values_list("topic__key", flat=True))
    assert "price_value.discounts" in keys  # the new sub-topic reaches feedback stored before the split
    kept = FeedbackTopic.objects.get(feedback=items[2], topic=accepted)
    assert kept.component == "discovery.accepted.v1"  # an analyst's decision survives the re-analysis


TOPIC_TEXTS = [
    "Der Rabatt wurde an der Kasse nicht abgezogen.", "Versandkosten sind viel zu hoch.", "Alles bestens.",
    "Die Lieferung kam drei Tage zu spät, aber die Beratung im Laden war super freundlich.",
    "Preis und Leistung stimmen, die Qualität der Jacke ist top!", "The app keeps crashing when I pay.",
    "Refund took six weeks. Customer service never answered my emails, and the price was too high anyway.",
    "Rückgabe war einfach. Das Personal an der Kasse war unfreundlich, die Wartezeit lang.",
    "Bitte rufen Sie mich an: 0171 1234567, meine Bestellung fehlt.", "Great value for money, fast delivery.",
    "",  # an NPS answer without a comment: no embedding, nothing to renew
]


def _topic_rows_by_item(ids: list[int]) -> dict[int, list[tuple[str, str, float]]]:
    rows: dict[int, list[tuple[str, str, float]]] = {i: [] for i in ids}
    for fid, key, sent, score in FeedbackTopic.objects.filter(feedback_id__in=ids).values_list(
            "feedback_id", "topic__key", "sentiment", "score"):
        rows[fid].append((key, sent, score))
    return {i: sorted(r) for i, r in rows.items()}


def test_after_a_taxonomy_edit_topics_are_renewed_from_the_stored_embeddings_as_a_full_analysis_would(
        django_capture_on_commit_callbacks) -> None:
    from resonanz.analysis.services import (
        analysis_outdated_count,
        analysis_refresh_from_embeddings,
        feedback_ids_outdated,
    )
    from resonanz.analysis.taxonomy import topic_split

    topics_ensure_default()
    items = [_fb(900 + i, t) for i, t in enumerate(TOPIC_TEXTS)]
    items[1].title = "Versand"
    items[1].save(update_fields=["title"])
    ids = [f.pk for f in items]
    feedback_analyze(feedback_ids=ids)
    before = {a.feedback_id: (a.sentiment, a.emotions, a.analysed_at) for a in FeedbackAnalysis.objects.all()}
    with django_capture_on_commit_callbacks(execute=False):
        topic_split(topic=Topic.objects.get(key="price_value"),
                    names=[("Rabatte", "Discounts"), ("Versandkosten", "Shipping costs")])
    assert sorted(feedback_ids_outdated()) == sorted(ids)
    multi = set(FeedbackEmbedding.objects.exclude(clauses=b"").values_list("feedback_id", flat=True))
    assert len(multi) >= 3  # the clause vectors of multi-clause texts are stored with the embedding
    legacy = {items[6].pk, items[7].pk}  # as if analysed before clause vectors were stored
    FeedbackEmbedding.objects.filter(feedback_id__in=legacy).update(clauses=b"")
    counts, full = analysis_refresh_from_embeddings(feedback_ids=ids)
    fast = [i for i in ids if i not in full]
    # only an item without stored clause vectors whose aspect step needs them waits for a full analysis
    assert set(full) <= legacy and counts["renewed_from_embeddings"] == len(fast) >= len(ids) - 2
    assert analysis_outdated_count() == len(full)
    refreshed = _topic_rows_by_item(fast)
    assert any(k == "price_value.discounts" for r in refreshed.values() for k, _, _ in r)  # the new sub-topic
    # everything but the topics is the stored analysis (nothing else was recomputed)
    assert all(before[a.feedback_id] == (a.sentiment, a.emotions, a.analysed_at)
               for a in FeedbackAnalysis.objects.filter(feedback_id__in=fast))
    feedback_analyze(feedback_ids=ids, force=True)
    again = _topic_rows_by_item(fast)
    for i in fast:  # the same topics and aspect sentiment as a full analysis, scores up to float16 rounding
        assert [(k, s) for k, s, _ in refreshed[i]] == [(k, s) for k, s, _ in again[i]], TOPIC_TEXTS[ids.index(i)]
        assert all(abs(a[2] - b[2]) < 0.01 for a, b in zip(refreshed[i], again[i], strict=True))


def test_a_switch_of_the_sentiment_model_is_renewed_from_the_stored_embeddings(tmp_path, monkeypatch) -> None:
    from resonanz.analysis.services import analysis_outdated_count, analysis_refresh_from_embeddings
    from resonanz.analysis.training import classifier_train_from_corrections

    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path))
    topics_ensure_default()
    good = [_fb(950 + i, f"Lieferung {i} kam schnell, alles gut") for i in range(12)]
    bad = [_fb(970 + i, f"Lieferung {i} kam spät, alles schlecht") for i in range(12)]
    items = [*good, *bad, *[_fb(990 + i, t) for i, t in enumerate(TOPIC_TEXTS)]]
    ids = [f.pk for f in items]
    feedback_analyze(feedback_ids=ids)
    for f in good + bad:
        correction_create(feedback=f, kind="sentiment", value="positive" if f in good else "negative", user=None)
    classifier_train_from_corrections(task="sentiment", activate=True, background=0)
    assert analysis_outdated_count() == len(ids)
    counts, full = analysis_refresh_from_embeddings(feedback_ids=ids)
    fast = [i for i in ids if i not in full]
    assert full == [] and counts["renewed_from_embeddings"] == len(ids) and analysis_outdated_count() == 0
    renewed = {a.feedback_id: (a.sentiment, a.components.get("sentiment")) for a in FeedbackAnalysis.objects.all()}
    assert all(renewed[i][1] == "sentiment.custom-corrections-sentiment-v1.v1" for i in fast if i != items[-1].pk)
    topics = _topic_rows_by_item(fast)
    feedback_analyze(feedback_ids=ids, force=True)
    full_run = {a.feedback_id: (a.sentiment, a.components.get("sentiment")) for a in FeedbackAnalysis.objects.all()}
    assert {i: renewed[i] for i in fast} == {i: full_run[i] for i in fast}  # the new model's labels, as in full
    again = _topic_rows_by_item(fast)
    assert {i: [(k, s) for k, s, _ in r] for i, r in topics.items()} == {
        i: [(k, s) for k, s, _ in r] for i, r in again.items()}


def test_quality_check_labels_decide_the_activation_of_a_head_trained_from_corrections(tmp_path, monkeypatch) -> None:
    from resonanz.analysis.training import classifier_train_from_corrections

    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path))
    good = [_fb(800 + i, f"Alles super, sehr zufrieden mit Bestellung {i}") for i in range(16)]
    bad = [_fb(850 + i, f"Katastrophe, nie wieder bestelle ich {i}") for i in range(16)]
    feedback_analyze(feedback_ids=[f.pk for f in good + bad])
    for f in good + bad:  # the random quality check: labelled as read, whatever the model said
        f.refresh_from_db()
        correction_create(feedback=f, kind="sentiment", value="positive" if f in good else "negative", user=None,
                          origin="sample")
    info = classifier_train_from_corrections(task="sentiment", activate=False)
    assert info["sample"] == 32 and info["sample_cv_score"] is not None and info["sample_before_score"] is not None
    assert "32 randomly drawn items" in info["reason"]
