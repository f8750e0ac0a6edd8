"""Customer and order representations. Related objects are referred to by their natural keys:
a customer by ``external_id``, a channel by ``code``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from resonanz.customers.models import Customer, Order
from resonanz.journeys.models import Channel


class CustomerSerializer(serializers.ModelSerializer):
    created_at = serializers.DateTimeField(
        required=False, help_text="When the person became a customer; defaults to now."
    )
    attributes = serializers.JSONField(required=False, help_text="Free-form attributes (a JSON object).")

    class Meta:
        model = Customer
        fields = [
            "id", "external_id", "name", "email", "phone", "birth_year", "age_band", "gender", "postcode",
            "city", "region", "country", "preferred_language", "acquisition_source",
            "consent_marketing", "consent_marketing_at", "consent_feedback_contact", "consent_feedback_contact_at",
            "attributes", "created_at", "updated_at", "import_batch",
        ]
        read_only_fields = ["id", "updated_at", "import_batch"]

    def validate_attributes(self, value: Any) -> dict:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be a JSON object.")
        return value

    def validate_country(self, value: str) -> str:
        value = (value or "").strip().upper()
        if value and (len(value) != 2 or not value.isalpha()):
            raise serializers.ValidationError("Use a two-letter ISO 3166 country code, e.g. DE.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        now = timezone.now()
        if self.instance is None:
            attrs.setdefault("created_at", now)
        # A consent given without a time gets "now" so that it can be proven later.
        for flag in ("consent_marketing", "consent_feedback_contact"):
            given = attrs.get(flag)
            previous = getattr(self.instance, flag, False) if self.instance else False
            if given and not previous and not attrs.get(f"{flag}_at"):
                attrs[f"{flag}_at"] = now
            if given is False:
                attrs[f"{flag}_at"] = None
        return attrs


class OrderSerializer(serializers.ModelSerializer):
    customer = serializers.SlugRelatedField(
        slug_field="external_id", queryset=Customer.objects.all(), help_text="The customer's external id."
    )
    channel = serializers.SlugRelatedField(
        slug_field="code", queryset=Channel.objects.all(), required=False, allow_null=True,
        help_text="Channel code.",
    )

    class Meta:
        model = Order
        fields = [
            "id", "external_id", "customer", "ordered_at", "amount", "currency", "items_count", "channel",
            "import_batch",
        ]
        read_only_fields = ["id", "import_batch"]
        extra_kwargs = {"amount": {"min_value": 0}}

    def validate_currency(self, value: str) -> str:
        value = (value or "").strip().upper()
        if len(value) != 3 or not value.isalpha():
            raise serializers.ValidationError("Use a three-letter ISO 4217 currency code, e.g. EUR.")
        return value
