"""Text analysis API. Reads need the ``view_*`` permission of the model; every action names the permission it
needs (``action_permissions``), the same ones the pages check. Long work (analysis, training, discovery,
re-analysis after a model switch) runs as a background job: those endpoints answer 202 with the job's id and
its URL under /api/v1/jobs/."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from resonanz.accounts.api.common import ApiListMixin, Conflict
from resonanz.accounts.permissions import RoleActionPermissions
from resonanz.accounts.selectors import can_see_original_text
from resonanz.analysis import selectors, services, taxonomy, training
from resonanz.analysis.api import serializers as s
from resonanz.analysis.models import (
    Correction,
    FeedbackAnalysis,
    FeedbackTopic,
    Topic,
    TopicSuggestion,
    TrainedClassifier,
)
from resonanz.feedback.models import Feedback

SEARCH_MAX_K = 100


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


def _job(job_id: int | None) -> Response:
    body = {"job": job_id, "url": f"/api/v1/jobs/{job_id}/" if job_id else None}
    return Response(body, status=status.HTTP_202_ACCEPTED if job_id else status.HTTP_200_OK)


class _Base(ApiListMixin):
    permission_classes = [RoleActionPermissions]
    action_permissions: dict[str, list[str]] = {}


# ---- model outputs ------------------------------------------------------------------------------------------
class AnalysisFilter(django_filters.FilterSet):
    feedback = django_filters.BaseInFilter(field_name="feedback_id", help_text="Feedback ids, comma-separated.")
    topic = django_filters.CharFilter(method="filter_topic", help_text="Topic key (its sub-topics count too).")
    analysed_from = django_filters.IsoDateTimeFilter(field_name="analysed_at", lookup_expr="gte")
    analysed_to = django_filters.IsoDateTimeFilter(field_name="analysed_at", lookup_expr="lt")

    class Meta:
        model = FeedbackAnalysis
        fields = ["feedback", "language", "sentiment", "intent", "urgent", "topic", "analysed_from", "analysed_to"]

    def filter_topic(self, qs: QuerySet[FeedbackAnalysis], name: str, value: str) -> QuerySet[FeedbackAnalysis]:
        hits = FeedbackTopic.objects.filter(topic__key=value) | FeedbackTopic.objects.filter(
            topic__key__startswith=f"{value}.")
        return qs.filter(feedback_id__in=hits.values("feedback_id"))


class AnalysisViewSet(_Base, viewsets.ReadOnlyModelViewSet):
    """Model outputs per feedback item (looked up by the feedback id): language, sentiment, topics with aspect
    sentiment, emotions, intent, urgency, PII types, the versioned components, and the latest human corrections.
    Filters: feedback (ids), language, sentiment, intent, urgent, topic (key), analysed_from / analysed_to.
    Ordering: analysed_at, sentiment_score, feedback. ``POST /analyses/run/`` analyses new feedback and renews
    outdated analyses; taxonomy changes and model switches do that on their own."""

    serializer_class = s.FeedbackAnalysisSerializer
    filterset_class = AnalysisFilter
    lookup_field = "feedback"
    ordering_fields = ["analysed_at", "sentiment_score", "feedback"]
    ordering = ["-feedback"]
    action_permissions = {"run": ["analysis.add_correction"], "sample": ["analysis.add_correction"]}

    def get_queryset(self) -> QuerySet[FeedbackAnalysis]:
        fields = [f for f in s.FeedbackAnalysisSerializer.Meta.fields if f not in {"topics", "human"}]
        return FeedbackAnalysis.objects.select_related("feedback").only(*fields, "feedback__id").prefetch_related(
            Prefetch("feedback__topic_hits", queryset=FeedbackTopic.objects.select_related("topic")),
            Prefetch("feedback__corrections", queryset=Correction.objects.only(
                "id", "feedback_id", "kind", "value", "created_at")),
        )

    @extend_schema(request=None, responses={202: s.JobRefSerializer, 200: s.JobRefSerializer},
                   summary="Analyse new feedback and renew outdated analyses (background job)")
    @action(detail=False, methods=["post"])
    def run(self, request: Request) -> Response:
        """Feedback without an analysis and analyses made with older components or an older taxonomy. 200 with
        ``job: null`` when such a job is already waiting."""
        return _job(services.analysis_enqueue_refresh(user=request.user, label="Textanalyse (API)"))


    @extend_schema(
        parameters=[OpenApiParameter("language", str, description="Only feedback in this language (de, en, other).")],
        responses={200: s.FeedbackAnalysisSerializer, 204: None},
        summary="A random analysed item not yet in the quality-check sample",
    )
    @action(detail=False, methods=["get"])
    def sample(self, request: Request) -> Response:
        """Label it with ``POST /corrections/`` and ``"origin": "sample"`` (whatever the model said: confirmations
        count as much as corrections). The response carries the model's answer: a labelling tool should show it
        only after the label is given (the web page asks blind), or the sample is biased towards the model. 204
        when every analysed item has been checked."""
        feedback = selectors.review_candidate(language=request.query_params.get("language") or None)
        if feedback is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.get_serializer(self.get_queryset().get(feedback=feedback)).data)


# ---- human labels -------------------------------------------------------------------------------------------
class CorrectionViewSet(_Base, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Human labels. They are never changed or deleted: a new correction of the same kind supersedes the
    earlier one, and all of them are training data (``POST /classifiers/train/``). Filters: feedback, kind.
    Ordering: created_at."""

    queryset = Correction.objects.select_related("created_by").order_by("-created_at", "-id")
    serializer_class = s.CorrectionSerializer
    filterset_fields = ["feedback", "kind"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]


# ---- taxonomy -----------------------------------------------------------------------------------------------
class TopicViewSet(_Base, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The editable, hierarchical topic taxonomy, addressed by key. Create, change (the key stays), merge into
    another topic (assignments move), split into sub-topics. Topics are not deleted: merge them or set
    ``active`` to false. Filters: active, origin, parent (key). The default taxonomy is created on first use."""

    serializer_class = s.TopicSerializer
    lookup_field = "key"
    lookup_value_regex = r"[A-Za-z0-9_.-]+"
    filterset_fields = {"active": ["exact"], "origin": ["exact"], "parent__key": ["exact"]}
    ordering_fields = ["position", "key", "updated_at"]
    ordering = ["position", "key"]
    action_permissions = {"merge": ["analysis.change_topic"], "split": ["analysis.add_topic"]}

    def get_queryset(self) -> QuerySet[Topic]:
        if not getattr(self, "swagger_fake_view", False):  # the schema generator has no database
            taxonomy.topics_ensure_default()
        return Topic.objects.select_related("parent", "merged_into")

    @extend_schema(request=s.TopicMergeSerializer, summary="Merge this topic into another one",
                   responses=inline_serializer("TopicMergeResult", {"moved": serializers.IntegerField(),
                                                                     "topic": s.TopicSerializer()}))
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, key: str) -> Response:
        source = self.get_object()
        target = _valid(s.TopicMergeSerializer, request)["into"]
        try:
            moved = taxonomy.topic_merge(source=source, target=target)
        except ValueError as exc:
            raise ValidationError({"into": [str(exc)]}) from exc
        return Response({"moved": moved, "topic": s.TopicSerializer(target).data})

    @extend_schema(request=s.TopicSplitSerializer, responses={201: s.TopicSerializer(many=True)},
                   summary="Split this topic into new sub-topics")
    @action(detail=True, methods=["post"])
    def split(self, request: Request, key: str) -> Response:
        topic = self.get_object()
        names = [(n["name_de"], n.get("name_en") or "") for n in _valid(s.TopicSplitSerializer, request)["names"]]
        try:
            created = taxonomy.topic_split(topic=topic, names=names)
        except ValueError as exc:
            raise ValidationError({"names": [str(exc)]}) from exc
        return Response(s.TopicSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


# ---- trained models -----------------------------------------------------------------------------------------
class ClassifierViewSet(_Base, viewsets.ReadOnlyModelViewSet):
    """Heads trained on the embeddings (from corrections or a labelled file) with their measured figures.
    ``train`` trains one from the corrections (activated only when it measures at least as well as the model
    it would replace), ``activate`` switches to a head, ``use-shipped`` goes back to the shipped model; both
    re-analyse the stored feedback in the background. Filters: task, active."""

    queryset = TrainedClassifier.objects.select_related("created_by")
    serializer_class = s.TrainedClassifierSerializer
    filterset_fields = ["task", "active"]
    ordering_fields = ["trained_at", "name", "version"]
    ordering = ["-trained_at", "-id"]
    action_permissions = {
        "train": ["analysis.add_trainedclassifier"],
        "activate": ["analysis.change_trainedclassifier"],
        "use_shipped": ["analysis.change_trainedclassifier"],
    }

    @extend_schema(request=s.TaskSerializer, responses={202: s.JobRefSerializer},
                   summary="Train a head from the corrections (background job)")
    @action(detail=False, methods=["post"])
    def train(self, request: Request) -> Response:
        task = _valid(s.TaskSerializer, request)["task"]
        return _job(training.classifier_train_enqueue(task=task, user=request.user).pk)

    @extend_schema(request=None, responses={202: s.JobRefSerializer, 200: s.JobRefSerializer},
                   summary="Make this head the active one of its task")
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str) -> Response:
        clf = self.get_object()
        return _job(training.classifier_activate(task=clf.task, classifier=clf, user=request.user))

    @extend_schema(request=s.TaskSerializer, responses={202: s.JobRefSerializer, 200: s.JobRefSerializer},
                   summary="Go back to the shipped model for a task")
    @action(detail=False, methods=["post"], url_path="use-shipped")
    def use_shipped(self, request: Request) -> Response:
        task = _valid(s.TaskSerializer, request)["task"]
        return _job(training.classifier_activate(task=task, classifier=None, user=request.user))


# ---- topic discovery ----------------------------------------------------------------------------------------
class TopicSuggestionViewSet(_Base, viewsets.ReadOnlyModelViewSet):
    """Clusters of feedback that fit no topic, proposed as new topics. ``run`` searches again (background job;
    replaces the open suggestions); a suggestion is accepted as a new topic, merged into an existing one, or
    rejected. Filter: status."""

    queryset = TopicSuggestion.objects.select_related("topic")
    serializer_class = s.TopicSuggestionSerializer
    filterset_fields = ["status"]
    ordering_fields = ["size", "created_at", "coherence"]
    ordering = ["status", "-size", "-id"]
    action_permissions = {a: ["analysis.change_topicsuggestion"] for a in ("run", "accept", "merge", "reject")}

    def get_serializer_context(self) -> dict[str, Any]:
        ctx = super().get_serializer_context()
        if not can_see_original_text(self.request.user):
            ctx["redacted_texts"] = dict(Feedback.objects.exclude(text_redacted="").filter(
                pk__in=self._quote_ids()).values_list("pk", "text_redacted"))
        return ctx

    def _quote_ids(self) -> list[int]:
        ids: list[int] = []
        for quotes in TopicSuggestion.objects.values_list("quotes", flat=True)[:500]:
            ids += [q.get("feedback_id") for q in quotes or [] if q.get("feedback_id")]
        return ids

    def get_object(self) -> TopicSuggestion:
        suggestion = super().get_object()
        if self.action in {"accept", "merge", "reject"} and suggestion.status != "open":
            raise Conflict(f"Suggestion {suggestion.pk} was already decided ({suggestion.status}).")
        return suggestion

    def _decided(self, suggestion: TopicSuggestion, topic: Topic | None = None) -> Response:
        suggestion.refresh_from_db()
        body = {"suggestion": self.get_serializer(suggestion).data}
        if topic is not None:
            body["topic"] = s.TopicSerializer(topic).data
        return Response(body)

    @extend_schema(request=None, responses={202: s.JobRefSerializer}, summary="Search for new topics (job)")
    @action(detail=False, methods=["post"])
    def run(self, request: Request) -> Response:
        return _job(taxonomy.discovery_enqueue(user=request.user, label="Themenvorschläge suchen (API)").pk)

    @extend_schema(request=s.SuggestionAcceptSerializer, summary="Accept as a new topic")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        suggestion = self.get_object()
        d = _valid(s.SuggestionAcceptSerializer, request)
        topic = taxonomy.suggestion_accept(suggestion=suggestion, name_de=d["name_de"], name_en=d.get("name_en", ""),
                                           parent=d.get("parent"), user=request.user)
        return self._decided(suggestion, topic)

    @extend_schema(request=s.TopicMergeSerializer, summary="Add to an existing topic")
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        suggestion = self.get_object()
        target = _valid(s.TopicMergeSerializer, request)["into"]
        topic = taxonomy.suggestion_merge(suggestion=suggestion, target=target, user=request.user)
        return self._decided(suggestion, topic)

    @extend_schema(request=None, summary="Reject")
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        suggestion = self.get_object()
        taxonomy.suggestion_reject(suggestion=suggestion, user=request.user)
        return self._decided(suggestion)


# ---- search and quality -------------------------------------------------------------------------------------
_SearchHit = inline_serializer("SearchHit", many=True, fields={
    "feedback": serializers.IntegerField(), "score": serializers.FloatField(), "text": serializers.CharField(),
    "text_is_redacted": serializers.BooleanField(), "received_at": serializers.DateTimeField(),
    "sentiment": serializers.CharField(allow_null=True), "language": serializers.CharField(allow_null=True),
})
_Theme = inline_serializer("SearchTheme", many=True, fields={
    "topic": serializers.CharField(), "name_de": serializers.CharField(), "name_en": serializers.CharField(),
    "count": serializers.IntegerField(), "share": serializers.FloatField(),
    "sentiment": serializers.FloatField(allow_null=True), "quotes": serializers.ListField(child=serializers.CharField()),
})


class SearchView(APIView):
    """"Ask your feedback": German or English query → the most similar feedback in both languages, and the top
    themes of the hits with representative quotes (extractive)."""

    permission_classes = [RoleActionPermissions]
    method_permissions = {"GET": ["feedback.view_feedback"]}

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description="The question or phrase (≤ 500 chars)."),
                    OpenApiParameter("k", int, description=f"How many hits (1–{SEARCH_MAX_K}, default 30).")],
        responses=inline_serializer("SearchResult", {"q": serializers.CharField(),
                                                     "results": _SearchHit, "themes": _Theme}),
        summary="Semantic search over all feedback",
    )
    def get(self, request: Request) -> Response:
        q = (request.query_params.get("q") or "").strip()
        raw_k = request.query_params.get("k") or "30"
        errors = {}
        if not q:
            errors["q"] = ["Give a query: ?q=…"]
        elif len(q) > 500:
            errors["q"] = ["The query is longer than 500 characters."]
        if not raw_k.isdigit() or not 1 <= int(raw_k) <= SEARCH_MAX_K:
            errors["k"] = [f"k must be a whole number from 1 to {SEARCH_MAX_K}."]
        if errors:
            raise ValidationError(errors)
        hits = selectors.semantic_search(query=q, k=int(raw_k))
        items = Feedback.objects.select_related("analysis").in_bulk([fid for fid, _ in hits])
        show_original = can_see_original_text(request.user)
        results = []
        for fid, score in hits:
            fb = items.get(fid)
            if fb is None:
                continue
            redacted = not show_original and bool(fb.text_redacted)
            analysis = getattr(fb, "analysis", None)
            results.append({
                "feedback": fid, "score": score, "text": fb.text_redacted if redacted else fb.text,
                "text_is_redacted": redacted, "received_at": fb.received_at,
                "sentiment": analysis.sentiment if analysis else None,
                "language": analysis.language if analysis else None,
            })
        themes = [
            {"topic": t["topic"].key, "name_de": t["topic"].name_de, "name_en": t["topic"].name_en,
             "count": t["count"], "share": round(t["share"], 4),
             "sentiment": None if t["sentiment"] is None else round(t["sentiment"], 4), "quotes": t["quotes"]}
            for t in selectors.theme_summary_for(feedback_ids=[r["feedback"] for r in results],
                                                 show_original=show_original)
        ]
        return Response({"q": q, "results": results, "themes": themes})


_SentimentQuality = inline_serializer("SentimentQuality", many=True, fields={
    "language": serializers.CharField(), "n": serializers.IntegerField(), "correct": serializers.IntegerField(),
    "accuracy": serializers.FloatField(allow_null=True),
    "interval": serializers.ListField(child=serializers.FloatField(allow_null=True),
                                      help_text="95 % Wilson interval of the accuracy."),
})
_TopicQuality = inline_serializer("TopicQuality", many=True, fields={
    "language": serializers.CharField(), "n": serializers.IntegerField(),
    "precision": serializers.FloatField(allow_null=True), "recall": serializers.FloatField(allow_null=True),
    "f1": serializers.FloatField(allow_null=True),
})


class QualityView(APIView):
    """Accuracy of the current models against every human label and against the random quality-check sample
    alone (unbiased: corrections given while reading are mostly the model's errors), per language, and the
    active trained heads."""

    permission_classes = [RoleActionPermissions]
    method_permissions = {"GET": ["analysis.view_feedbackanalysis"]}

    @extend_schema(responses=inline_serializer("ModelQuality", {
        "n_labels": serializers.IntegerField(),
        "sentiment": _SentimentQuality,
        "topics": _TopicQuality,
        "sample": inline_serializer("SampleQuality", {
            "n": serializers.IntegerField(help_text="Items checked in the random quality sample."),
            "sentiment": _SentimentQuality, "topics": _TopicQuality}),
        "active_classifiers": s.TrainedClassifierSerializer(many=True),
    }), summary="Model quality against human labels (all, and the random sample alone)")
    def get(self, request: Request) -> Response:
        quality = selectors.model_quality()
        active = TrainedClassifier.objects.filter(active=True).select_related("created_by")
        def rows(sentiment: list[selectors.QualityRow]) -> list[dict[str, Any]]:
            return [{"language": r.language, "n": r.n, "correct": r.correct, "accuracy": r.accuracy,
                     "interval": list(r.interval)} for r in sentiment]

        return Response({
            "n_labels": quality.n_labels,
            "sentiment": rows(quality.sentiment),
            "topics": quality.topics,
            "sample": {"n": quality.n_sample, "sentiment": rows(quality.sample_sentiment),
                       "topics": quality.sample_topics},
            "active_classifiers": s.TrainedClassifierSerializer(active, many=True).data,
        })
