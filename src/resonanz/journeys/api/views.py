"""Journey reference data and events. Reads need the view permission (every role); analysts create and
change stages, channels, touchpoints and create events; deleting is admin-only. Reference data is
addressed by ``code`` (``/api/v1/channels/email/``), events by id."""

from __future__ import annotations

from rest_framework import viewsets

from resonanz.accounts.api.common import ApiListMixin, ProtectedDestroyMixin
from resonanz.journeys.api.filters import EventFilter, TouchpointFilter
from resonanz.journeys.api.serializers import (
    ChannelSerializer,
    EventSerializer,
    JourneyStageSerializer,
    TouchpointSerializer,
)
from resonanz.journeys.models import Channel, Event, JourneyStage, Touchpoint


class JourneyStageViewSet(ApiListMixin, ProtectedDestroyMixin, viewsets.ModelViewSet):
    """Journey stages (phases), addressed by code. Ordering: position, code, name_de, name_en."""

    queryset = JourneyStage.objects.all()
    serializer_class = JourneyStageSerializer
    lookup_field = "code"
    ordering_fields = ["position", "code", "name_de", "name_en"]
    ordering = ["position", "id"]


class ChannelViewSet(ApiListMixin, ProtectedDestroyMixin, viewsets.ModelViewSet):
    """Contact channels, addressed by code. Filter: online. Ordering: code, name_de, name_en."""

    queryset = Channel.objects.all()
    serializer_class = ChannelSerializer
    lookup_field = "code"
    filterset_fields = ["online"]
    ordering_fields = ["code", "name_de", "name_en"]
    ordering = ["name_de", "id"]


class TouchpointViewSet(ApiListMixin, ProtectedDestroyMixin, viewsets.ModelViewSet):
    """Touchpoints, addressed by code; ``stage`` and ``channel`` are codes. Filters: stage, channel, active.
    Ordering: code, name_de, name_en, stage__position."""

    queryset = Touchpoint.objects.select_related("stage", "channel")
    serializer_class = TouchpointSerializer
    lookup_field = "code"
    filterset_class = TouchpointFilter
    ordering_fields = ["code", "name_de", "name_en", "stage__position"]
    ordering = ["stage__position", "name_de", "id"]


class EventViewSet(ApiListMixin, viewsets.ModelViewSet):
    """Journey events; ``customer`` is the external id, ``touchpoint``/``stage`` are codes (the stage defaults to
    the touchpoint's). Filters: customer, external_id, type, touchpoint, stage, occurred_from/occurred_to
    (dates). Ordering: occurred_at, type, external_id."""

    queryset = Event.objects.select_related("customer", "touchpoint", "stage")
    serializer_class = EventSerializer
    filterset_class = EventFilter
    ordering_fields = ["occurred_at", "type", "external_id"]
    ordering = ["-occurred_at", "-id"]
