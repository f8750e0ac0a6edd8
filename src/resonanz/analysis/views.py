"""Analysis pages: per-feedback panel with one-click corrections, model quality, taxonomy editor,
topic discovery, semantic search. Every view checks a permission; user text is always auto-escaped."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resonanz.accounts.selectors import can_see_original_text
from resonanz.analysis import selectors, services
from resonanz.analysis import taxonomy as taxonomy_services
from resonanz.analysis.forms import AcceptForm, MergeForm, SplitForm, TopicForm
from resonanz.analysis.models import Topic, TopicSuggestion
from resonanz.feedback.models import Feedback


def _panel(request: HttpRequest, feedback: Feedback) -> HttpResponse:
    ctx = selectors.analysis_for_feedback(feedback_id=feedback.pk)
    ctx |= {"feedback": feedback, "topics": Topic.objects.filter(active=True).order_by("position", "key"),
            "can_correct": request.user.has_perm("analysis.add_correction")}
    return render(request, "analysis/_panel.html", ctx)


@permission_required("feedback.view_feedback", raise_exception=True)
def panel(request: HttpRequest, feedback_id: int) -> HttpResponse:
    return _panel(request, get_object_or_404(Feedback, pk=feedback_id))


@require_POST
@permission_required("analysis.add_correction", raise_exception=True)
def correct(request: HttpRequest, feedback_id: int) -> HttpResponse:
    """One-click correction of sentiment or topics; answers with the refreshed panel (htmx) or redirects."""
    feedback = get_object_or_404(Feedback, pk=feedback_id)
    kind = request.POST.get("kind", "")
    value: object = request.POST.getlist("value") if kind == "topics" else request.POST.get("value", "")
    try:
        services.correction_create(feedback=feedback, kind=kind, value=value, user=request.user)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    if request.htmx:  # type: ignore[attr-defined]
        return _panel(request, feedback)
    messages.success(request, _("Korrektur gespeichert."))
    return redirect(request.POST.get("next") or "feedback:list")


@permission_required("analysis.view_feedbackanalysis", raise_exception=True)
def quality(request: HttpRequest) -> HttpResponse:
    from resonanz.analysis.models import TrainedClassifier
    from resonanz.core.errors import TextAnalysisError

    try:
        outdated, model_error = services.analysis_outdated_count(), ""
    except TextAnalysisError as exc:  # e.g. an active head whose files are gone: this page is where to fix it
        outdated, model_error = None, str(exc)
    return render(request, "analysis/quality.html", {
        "quality": selectors.model_quality(),
        "classifiers": TrainedClassifier.objects.all()[:20],
        "pending": Feedback.objects.filter(analysis__isnull=True).count(),
        "outdated": outdated, "model_error": model_error,
        "can_train": request.user.has_perm("analysis.add_trainedclassifier"),
        "can_activate": request.user.has_perm("analysis.change_trainedclassifier"),
        "trained_on_labels": TrainedClassifier.objects.filter(active=True, metrics__has_key="cv_score").exists(),
    })


@require_POST
@permission_required("analysis.add_correction", raise_exception=True)
def run_pending(request: HttpRequest) -> HttpResponse:
    job_id = services.analysis_enqueue_refresh(user=request.user, label=_("Neue und veraltete Analysen erneuern"))
    messages.success(request, _("Analyse gestartet.") if job_id else _("Eine Analyse dafür wartet schon."))
    return redirect("jobs:detail", job_id) if job_id else redirect("jobs:list")


@require_POST
@permission_required("analysis.add_trainedclassifier", raise_exception=True)
def train(request: HttpRequest) -> HttpResponse:
    from resonanz.analysis.training import classifier_train_enqueue

    try:
        job = classifier_train_enqueue(task=request.POST.get("task", "sentiment"), user=request.user,
                                       label=_("Modell aus Korrekturen trainieren"))
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    return redirect("jobs:detail", job.pk)


@require_POST
@permission_required("analysis.change_trainedclassifier", raise_exception=True)
def activate(request: HttpRequest) -> HttpResponse:
    """Make a trained head the active one of its task, or (empty ``classifier``) go back to the shipped model."""
    from resonanz.analysis.models import TrainedClassifier
    from resonanz.analysis.training import classifier_activate

    task = request.POST.get("task", "")
    pk = request.POST.get("classifier", "")
    classifier = get_object_or_404(TrainedClassifier, pk=int(pk)) if pk.isdigit() else None
    if pk and classifier is None:
        return HttpResponseBadRequest("classifier must be an id")
    try:
        job_id = classifier_activate(task=task, classifier=classifier, user=request.user)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    messages.success(request, _("Modell aktiviert.") if classifier else _("Mitgeliefertes Modell wieder aktiv."))
    return redirect("jobs:detail", job_id) if job_id else redirect("analysis:quality")


REVIEW_LANGUAGES = ("de", "en", "other")


@permission_required("analysis.add_correction", raise_exception=True)
def review(request: HttpRequest) -> HttpResponse:
    """The quality check: label randomly drawn feedback blind (neither the model's sentiment nor its topics
    are shown or pre-selected: a pre-ticked answer anchors the reviewer and makes the model look better than it
    is); the model-quality page measures the models on these labels without the bias of corrections."""
    lang = request.POST.get("lang") or request.GET.get("lang") or ""
    lang = lang if lang in REVIEW_LANGUAGES else ""
    again = f"{reverse('analysis:review')}?lang={lang}" if lang else reverse("analysis:review")
    if request.method == "POST":
        pk = request.POST.get("feedback", "")
        feedback = get_object_or_404(Feedback, pk=int(pk)) if pk.isdigit() else None
        if feedback is None:
            return HttpResponseBadRequest("feedback must be an id")
        topics = request.POST.getlist("topics") if request.POST.get("topics_checked") else None
        try:
            services.review_submit(feedback=feedback, sentiment=request.POST.get("sentiment", ""), topics=topics,
                                   user=request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect(again)
    feedback = selectors.review_candidate(language=lang or None)
    ctx: dict[str, object] = {"feedback": feedback, "lang": lang, "languages": REVIEW_LANGUAGES,
                              "quality": selectors.model_quality()}
    if feedback is not None:
        ctx |= {"text": feedback.text if can_see_original_text(request.user) or not feedback.text_redacted
                else feedback.text_redacted, "offered": selectors.topic_tree_for_review()}
    return render(request, "analysis/review.html", ctx)


@permission_required("analysis.view_topic", raise_exception=True)
def taxonomy(request: HttpRequest) -> HttpResponse:
    taxonomy_services.topics_ensure_default()
    form = TopicForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("analysis.add_topic"):
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                key = taxonomy_services.topic_key_for(name=data["name_en"] or data["name_de"], parent=data["parent"])
                taxonomy_services.topic_save(key=key, **data)
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Thema angelegt."))
                return redirect("analysis:taxonomy")
    return render(request, "analysis/taxonomy.html", {
        "tree": selectors.topic_tree(), "form": form, "can_edit": request.user.has_perm("analysis.change_topic"),
    })


@permission_required("analysis.change_topic", raise_exception=True)
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_object_or_404(Topic, pk=pk)
    initial = {
        "name_de": topic.name_de, "name_en": topic.name_en, "parent": topic.parent,
        "description_de": topic.description_de, "description_en": topic.description_en,
        "examples_de": "\n".join(topic.examples_de), "examples_en": "\n".join(topic.examples_en),
    }
    form = TopicForm(request.POST or None, initial=initial, exclude=topic)
    merge_form = MergeForm(request.POST if request.POST.get("action") == "merge" else None)
    split_form = SplitForm(request.POST if request.POST.get("action") == "split" else None)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "save" and form.is_valid():
                taxonomy_services.topic_save(topic=topic, **form.cleaned_data)
                messages.success(request, _("Thema gespeichert."))
                return redirect("analysis:taxonomy")
            if action == "merge" and merge_form.is_valid():
                moved = taxonomy_services.topic_merge(source=topic, target=merge_form.cleaned_data["target"])
                messages.success(request, _("Zusammengeführt: %(n)d Zuordnungen verschoben.") % {"n": moved})
                return redirect("analysis:taxonomy")
            if action == "split" and split_form.is_valid():
                taxonomy_services.topic_split(topic=topic, names=split_form.cleaned_data["names"])
                messages.success(request, _("Unterthemen angelegt. Das gespeicherte Feedback wird im Hintergrund neu zugeordnet."))
                return redirect("analysis:taxonomy")
        except ValueError as exc:
            messages.error(request, str(exc))
    return render(request, "analysis/topic_edit.html",
                  {"topic": topic, "form": form, "merge_form": merge_form, "split_form": split_form})


@permission_required("analysis.view_topicsuggestion", raise_exception=True)
def discovery(request: HttpRequest) -> HttpResponse:
    return render(request, "analysis/discovery.html", {
        "suggestions": selectors.suggestion_list(),
        "topics": Topic.objects.filter(active=True).order_by("position", "key"),
        "can_decide": request.user.has_perm("analysis.change_topicsuggestion"),
    })


@require_POST
@permission_required("analysis.change_topicsuggestion", raise_exception=True)
def discovery_run(request: HttpRequest) -> HttpResponse:
    job = taxonomy_services.discovery_enqueue(user=request.user, label=_("Themenvorschläge suchen"))
    return redirect("jobs:detail", job.pk)


@require_POST
@permission_required("analysis.change_topicsuggestion", raise_exception=True)
def suggestion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(TopicSuggestion, pk=pk)
    action = request.POST.get("action")
    if suggestion.status != "open":
        messages.error(request, _("Dieser Vorschlag wurde schon entschieden."))
    elif action == "reject":
        taxonomy_services.suggestion_reject(suggestion=suggestion, user=request.user)
        messages.success(request, _("Vorschlag abgelehnt."))
    elif action == "merge":
        target = get_object_or_404(Topic, pk=request.POST.get("target") or 0)
        taxonomy_services.suggestion_merge(suggestion=suggestion, target=target, user=request.user)
        messages.success(request, _("Vorschlag zum Thema „%(t)s“ hinzugefügt.") % {"t": target.name_de})
    elif action == "accept":
        form = AcceptForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Bitte einen deutschen und einen englischen Namen angeben."))
            return redirect("analysis:discovery")
        topic = taxonomy_services.suggestion_accept(suggestion=suggestion, user=request.user, **form.cleaned_data)
        messages.success(request, _("Neues Thema „%(t)s“ angelegt.") % {"t": topic.name_de})
    else:
        return HttpResponseBadRequest("unknown action")
    return redirect("analysis:discovery")


@permission_required("feedback.view_feedback", raise_exception=True)
def search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:500]
    results, themes = [], []
    if q:
        hits = selectors.semantic_search(query=q, k=30)
        items = Feedback.objects.in_bulk([fid for fid, _ in hits])
        show_original = can_see_original_text(request.user)
        for fid, score in hits:
            fb = items.get(fid)
            if fb is not None:
                text = fb.text if show_original or not fb.text_redacted else fb.text_redacted
                results.append({"feedback": fb, "score": score, "text": text})
        themes = selectors.theme_summary_for(feedback_ids=[fid for fid, _ in hits], show_original=show_original)
    return render(request, "analysis/search.html", {"q": q, "results": results, "themes": themes})
