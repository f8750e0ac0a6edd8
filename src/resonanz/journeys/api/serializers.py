"""Journey reference data (stages, channels, touchpoints) and events. Related objects are referred to by
their natural keys: stages, channels and touchpoints by ``code``, customers by ``external_id``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from resonanz.customers.models import Customer
from resonanz.journeys.models import Channel, Event, JourneyStage, Touchpoint


class JourneyStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = JourneyStage
        fields = ["id", "code", "name_de", "name_en", "description_de", "description_en", "position"]
        read_only_fields = ["id"]


class ChannelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["id", "code", "name_de", "name_en", "online"]
        read_only_fields = ["id"]


class TouchpointSerializer(serializers.ModelSerializer):
    stage = serializers.SlugRelatedField(
        slug_field="code", queryset=JourneyStage.objects.all(), help_text="Journey stage code."
    )
    channel = serializers.SlugRelatedField(slug_field="code", queryset=Channel.objects.all(), help_text="Channel code.")

    class Meta:
        model = Touchpoint
        fields = ["id", "code", "name_de", "name_en", "stage", "channel", "active"]
        read_only_fields = ["id"]


class EventSerializer(serializers.ModelSerializer):
    customer = serializers.SlugRelatedField(
        slug_field="external_id", queryset=Customer.objects.all(), help_text="The customer's external id."
    )
    touchpoint = serializers.SlugRelatedField(
        slug_field="code", queryset=Touchpoint.objects.all(), required=False, allow_null=True,
        help_text="Touchpoint code.",
    )
    stage = serializers.SlugRelatedField(
        slug_field="code", queryset=JourneyStage.objects.all(), required=False, allow_null=True,
        help_text="Journey stage code; defaults to the touchpoint's stage.",
    )
    properties = serializers.JSONField(required=False, help_text="Free-form properties (a JSON object).")

    class Meta:
        model = Event
        fields = [
            "id", "external_id", "customer", "occurred_at", "type", "touchpoint", "stage", "value", "properties",
            "import_batch",
        ]
        read_only_fields = ["id", "import_batch"]

    def validate_properties(self, value: Any) -> dict:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be a JSON object.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        touchpoint = attrs.get("touchpoint")
        if touchpoint is not None and attrs.get("stage") is None and "stage" not in self.initial_data:
            attrs["stage"] = touchpoint.stage
        return attrs
