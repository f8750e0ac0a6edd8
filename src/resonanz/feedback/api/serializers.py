"""Feedback and feedback sources. Related objects are referred to by natural keys: source, channel and
touchpoint by ``code``, the customer by ``external_id``.

``text`` is attacker-controlled: it is stored as sent (``<script>`` included) and only ever returned as a
JSON string. Users without ``feedback.view_original_text`` get the redacted text (``text_redacted`` where
there is one)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from resonanz.accounts.selectors import can_see_original_text
from resonanz.customers.models import Customer
from resonanz.feedback.models import Feedback, FeedbackSource
from resonanz.feedback.services import TEXT_MAX_CHARS, feedback_get_or_create, feedback_update
from resonanz.journeys.models import Channel, Touchpoint


class FeedbackSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackSource
        fields = ["id", "code", "name", "kind", "active"]
        read_only_fields = ["id"]


def _score(name: str, low: int, high: int) -> serializers.IntegerField:
    message = f"{name} must be a whole number from {low} to {high}."
    return serializers.IntegerField(
        required=False, allow_null=True, min_value=low, max_value=high,
        error_messages={"min_value": message, "max_value": message, "invalid": message},
        help_text=f"{name}, {low}–{high}.",
    )


class FeedbackSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(
        slug_field="code", queryset=FeedbackSource.objects.all(), help_text="Feedback source code, e.g. nps_survey."
    )
    channel = serializers.SlugRelatedField(
        slug_field="code", queryset=Channel.objects.all(), required=False, allow_null=True,
        help_text="Channel code; defaults to the touchpoint's channel.",
    )
    touchpoint = serializers.SlugRelatedField(
        slug_field="code", queryset=Touchpoint.objects.select_related("channel"), required=False,
        allow_null=True, help_text="Touchpoint code.",
    )
    stage = serializers.SerializerMethodField(help_text="Journey stage code of the touchpoint (read-only).")
    customer = serializers.SlugRelatedField(
        slug_field="external_id", queryset=Customer.objects.all(), required=False, allow_null=True,
        help_text="The customer's external id.",
    )
    received_at = serializers.DateTimeField(required=False, help_text="When the feedback was given; defaults to now.")
    text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=TEXT_MAX_CHARS,
        error_messages={"max_length": f"Text is too long: at most {TEXT_MAX_CHARS} characters are allowed."},
        help_text="The feedback text, stored verbatim. Returned redacted to users who may not see the original.",
    )
    text_is_redacted = serializers.SerializerMethodField(help_text="True when ``text`` is the redacted version.")
    language = serializers.CharField(required=False, allow_blank=True, max_length=8)
    nps = _score("NPS", 0, 10)
    csat = _score("CSAT", 1, 5)
    ces = _score("CES", 1, 7)
    rating = _score("Rating", 1, 5)
    nps_group = serializers.CharField(read_only=True, allow_null=True, help_text="promoter, passive or detractor.")
    properties = serializers.JSONField(required=False, help_text="Free-form properties (a JSON object).")
    external_id = serializers.CharField(
        required=False, allow_blank=True, max_length=128,
        help_text="Id in the sending system; with the source it makes repeated sends idempotent.",
    )

    class Meta:
        model = Feedback
        fields = [
            "id", "source", "channel", "touchpoint", "stage", "customer", "received_at", "title", "text",
            "text_is_redacted", "language", "nps", "csat", "ces", "rating", "nps_group", "properties",
            "external_id", "dedupe_key", "import_batch", "created_at",
        ]
        read_only_fields = ["id", "dedupe_key", "import_batch", "created_at"]

    # -- output ------------------------------------------------------------------------------------

    def _show_original(self) -> bool:
        ctx = self.context
        if "show_original" not in ctx:
            request = ctx.get("request")
            ctx["show_original"] = bool(request and can_see_original_text(request.user))
        return ctx["show_original"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_stage(self, obj: Feedback) -> str | None:
        tp = obj.touchpoint
        return tp.stage.code if tp is not None else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_text_is_redacted(self, obj: Feedback) -> bool:
        return not self._show_original() and bool(obj.text_redacted)

    def to_representation(self, instance: Feedback) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self._show_original() and instance.text_redacted:
            data["text"] = instance.text_redacted
        return data

    # -- input -------------------------------------------------------------------------------------

    def validate_properties(self, value: Any) -> dict:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be a JSON object.")
        return value

    def validate_language(self, value: str) -> str:
        return (value or "").strip().lower()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None:
            has_content = attrs.get("text", "").strip() or attrs.get("title", "").strip() or any(
                attrs.get(s) is not None for s in ("nps", "csat", "ces", "rating")
            )
            if not has_content:
                raise serializers.ValidationError(
                    {"non_field_errors": ["Send a text, a title or at least one score (nps, csat, ces, rating)."]}
                )
            received_at = attrs.get("received_at")
            if received_at is not None and received_at > timezone.now() + timedelta(days=1):
                raise serializers.ValidationError({"received_at": ["Must not be in the future."]})
        return attrs

    # -- writes go through the services ------------------------------------------------------------

    def create(self, validated_data: dict[str, Any]) -> Feedback:
        item, self.created = feedback_get_or_create(**validated_data)
        return item

    def update(self, instance: Feedback, validated_data: dict[str, Any]) -> Feedback:
        validated_data.pop("external_id", None)  # part of the identity (dedupe key): not changeable
        return feedback_update(instance, **validated_data)
