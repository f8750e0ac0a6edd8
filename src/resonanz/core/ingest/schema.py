"""The canonical target fields of each import kind (what a file's columns can be mapped to).

``attributes.<key>`` (customers) and ``properties.<key>`` (orders have none; events and feedback) are open
targets: any column can be kept there under a key of the user's choice.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("customers", "orders", "events", "feedback")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A target field: ``type`` is one of str, text, email, int, decimal, datetime, bool, choice, country,
    lookup (resolved against reference data: touchpoint, channel, stage, source) or ref (customer id)."""

    name: str
    type: str = "str"
    required: bool = False
    max_length: int | None = None
    min_value: int | float | None = None
    max_value: int | float | None = None
    lookup: str | None = None
    help: str = ""


S = FieldSpec

SCHEMAS: dict[str, tuple[FieldSpec, ...]] = {
    "customers": (
        S("external_id", required=True, max_length=128, help="customer number in the source system"),
        S("name", max_length=255),
        S("first_name", max_length=120, help="joined with last_name into name"),
        S("last_name", max_length=120),
        S("email", "email", max_length=254),
        S("phone", max_length=64),
        S("birth_year", "int", min_value=1900, max_value=2100),
        S("age_band", "choice", help="18-24, 25-34, 35-44, 45-54, 55-64, 65+"),
        S("gender", "choice", help="f/w/weiblich/female, m/männlich/male, d/divers/diverse"),
        S("postcode", max_length=16),
        S("city", max_length=128),
        S("region", max_length=128),
        S("country", "country", help="ISO code (DE) or name (Deutschland, Germany)"),
        S("preferred_language", max_length=8),
        S("acquisition_source", max_length=64),
        S("consent_marketing", "bool"),
        S("consent_feedback_contact", "bool"),
        S("created_at", "datetime"),
    ),
    "orders": (
        S("external_id", max_length=128, help="order number; without it a content hash is the key"),
        S("customer_external_id", "ref", required=True, max_length=128),
        S("ordered_at", "datetime", required=True),
        S("amount", "decimal", required=True, min_value=0, max_value=9_999_999_999.99),
        S("currency", max_length=3),
        S("items_count", "int", min_value=0, max_value=2_147_483_647),
        S("channel", "lookup", lookup="channel"),
    ),
    "events": (
        S("external_id", max_length=128),
        S("customer_external_id", "ref", required=True, max_length=128),
        S("occurred_at", "datetime", required=True),
        S("type", required=True, max_length=64),
        S("touchpoint", "lookup", lookup="touchpoint"),
        S("stage", "lookup", lookup="stage"),
        S("value", "decimal", min_value=-9_999_999_999.9999, max_value=9_999_999_999.9999),
    ),
    "feedback": (
        S("external_id", max_length=128),
        S("source", "lookup", lookup="source", help="source code; default --source or 'manual'"),
        S("channel", "lookup", lookup="channel"),
        S("touchpoint", "lookup", lookup="touchpoint"),
        S("customer_external_id", "ref", max_length=128),
        S("received_at", "datetime", required=True),
        S("title", max_length=500),
        S("text", "text", max_length=100_000),
        S("language", max_length=8),
        S("nps", "int", min_value=0, max_value=10),
        S("csat", "int", min_value=1, max_value=5),
        S("ces", "int", min_value=1, max_value=7),
        S("rating", "int", min_value=1, max_value=5),
    ),
}

OPEN_PREFIX: dict[str, str | None] = {
    "customers": "attributes",
    "orders": None,
    "events": "properties",
    "feedback": "properties",
}
OPEN_MAX_LENGTH = 10_000
SCORE_FIELDS = ("nps", "csat", "ces", "rating")


def fields_for(kind: str) -> dict[str, FieldSpec]:
    return {f.name: f for f in SCHEMAS[kind]}


def is_open_target(kind: str, target: str) -> bool:
    prefix = OPEN_PREFIX[kind]
    return bool(prefix) and target.startswith(f"{prefix}.") and len(target) > len(prefix) + 1
