"""Feedback and feedback sources. Everyone with a role reads; analysts create and change. Creating is
idempotent: re-sending an item with the same source + external id (or, without an id, the same content)
answers 200 with the existing item instead of 201."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from resonanz.accounts.api.common import ApiListMixin, ProtectedDestroyMixin
from resonanz.analysis.services import analysis_enqueue, analysis_enqueue_refresh
from resonanz.feedback.api.serializers import FeedbackSerializer, FeedbackSourceSerializer
from resonanz.feedback.filters import FeedbackFilter
from resonanz.feedback.models import Feedback, FeedbackSource


class FeedbackSourceViewSet(ApiListMixin, ProtectedDestroyMixin, viewsets.ModelViewSet):
    """Feedback sources (survey, review site, tickets …), addressed by code. Filters: kind, active. Ordering:
    code, name, kind."""

    queryset = FeedbackSource.objects.all()
    serializer_class = FeedbackSourceSerializer
    lookup_field = "code"
    filterset_fields = ["kind", "active"]
    ordering_fields = ["code", "name", "kind"]
    ordering = ["name", "id"]


@extend_schema_view(
    create=extend_schema(
        summary="Create one feedback item (idempotent)",
        responses={
            201: FeedbackSerializer,
            200: OpenApiResponse(FeedbackSerializer, description="Already received: the existing item."),
        },
    ),
)
class FeedbackViewSet(ApiListMixin, viewsets.ModelViewSet):
    """Feedback items. ``source``/``channel``/``touchpoint`` are codes, ``customer`` the external id. Filters as
    in the UI: channel, source, touchpoint (codes; repeat or comma-separate), stage,
    received_from/received_to, nps_min … rating_max, language, customer, has_text, q. Ordering:
    received_at, created_at, nps, csat, ces, rating. Users without the right to see original texts get the
    redacted text."""

    queryset = Feedback.objects.select_related("source", "channel", "touchpoint__stage", "customer")
    serializer_class = FeedbackSerializer
    filterset_class = FeedbackFilter
    ordering_fields = ["received_at", "created_at", "nps", "csat", "ces", "rating"]
    ordering = ["-received_at", "-id"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        created = getattr(serializer, "created", True)
        if created:  # new feedback goes to the text analysis; a burst of single items shares one waiting job
            analysis_enqueue_refresh(user=request.user, label="Textanalyse: neues Feedback")
        headers = {"Location": reverse("api-feedback-detail", args=[serializer.instance.pk])} if created else {}
        return Response(serializer.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
                        headers=headers)

    def perform_update(self, serializer: Any) -> None:
        before = (serializer.instance.text, serializer.instance.title)
        item = serializer.save()
        if (item.text, item.title) != before:  # the stored analysis describes the old text
            analysis_enqueue(feedback_ids=[item.pk], user=self.request.user, label="Textanalyse: geänderter Text")
