"""Plain records the demo generator produces (no Django) and the fixed time frame of the demo world."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

COMPANY = "Gipfelwerk"
# The demo world covers 18 months and ends on a fixed date (not "now"), so the data is stable.
START = datetime(2025, 5, 1, tzinfo=UTC)
END = datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC)
# Pattern 1: the delivery problem wave.
WAVE_REGION = "Bayern"
WAVE_START = datetime(2026, 3, 1, tzinfo=UTC)
WAVE_END = datetime(2026, 4, 1, tzinfo=UTC)  # exclusive

TOPICS: dict[str, tuple[str, str]] = {
    "delivery": ("Lieferung", "Delivery"),
    "product_quality": ("Produktqualität", "Product quality"),
    "price_value": ("Preis & Leistung", "Price & value"),
    "customer_service": ("Kundenservice", "Customer service"),
    "returns_refunds": ("Rücksendung & Erstattung", "Returns & refunds"),
    "website_app": ("Website & App", "Website & app"),
    "payment_billing": ("Zahlung & Rechnung", "Payment & billing"),
    "availability": ("Verfügbarkeit", "Availability"),
    "advice_staff": ("Beratung & Personal", "Advice & staff"),
    "store_experience": ("Einkaufserlebnis Filiale", "Store experience"),
    "sizing_fit": ("Größe & Passform", "Sizing & fit"),
    "sustainability": ("Nachhaltigkeit", "Sustainability"),
}
SENTIMENTS = ("positive", "negative", "mixed", "neutral")


@dataclass(slots=True)
class DemoCustomer:
    idx: int
    external_id: str
    name: str
    email: str
    phone: str
    birth_year: int | None
    age_band: str
    gender: str
    postcode: str
    city: str
    region: str
    country: str
    preferred_language: str
    acquisition_source: str
    consent_marketing: bool
    consent_marketing_at: datetime | None
    consent_feedback_contact: bool
    consent_feedback_contact_at: datetime | None
    created_at: datetime
    attributes: dict[str, Any] = field(default_factory=dict)
    # generator-only state (not stored in columns; ground truth lives in ``attributes``)
    persona: str = "standard"
    store: str | None = None
    trouble: float = 0.0
    mood: float = 0.0


@dataclass(slots=True)
class DemoOrder:
    external_id: str
    customer: str  # customer external_id
    ordered_at: datetime
    amount: Decimal
    currency: str
    items_count: int
    channel: str  # channel code
    touchpoint: str  # checkout touchpoint code
    category: str
    product: int  # index into the product catalogue


@dataclass(slots=True)
class DemoEvent:
    external_id: str
    customer: str
    occurred_at: datetime
    type: str
    touchpoint: str | None
    stage: str | None
    value: Decimal | None = None
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class DemoFeedback:
    seq: int  # 1..n after sorting; dedupe_key = f"demo:{seq}"
    source: str  # feedback source code
    channel: str | None
    touchpoint: str | None
    customer: str | None
    received_at: datetime
    language: str
    text: str
    title: str = ""
    nps: int | None = None
    csat: int | None = None
    ces: int | None = None
    rating: int | None = None
    external_id: str = ""
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def dedupe_key(self) -> str:
        return f"demo:{self.seq}"


@dataclass(slots=True)
class DemoData:
    seed: int
    customers: list[DemoCustomer]
    orders: list[DemoOrder]
    events: list[DemoEvent]
    feedback: list[DemoFeedback]

    def counts(self) -> dict[str, int]:
        return {
            "customers": len(self.customers), "orders": len(self.orders),
            "events": len(self.events), "feedback": len(self.feedback),
        }
