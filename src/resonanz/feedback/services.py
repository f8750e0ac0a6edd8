"""Writes for feedback: create one item idempotently (API, webhooks), update one item.

Idempotency uses ``Feedback.dedupe_key`` (unique):

- with an external id: ``ext:<source code>:<external id>`` (when that is longer than the column,
  ``ext:<source code>:sha1:<hash of the id>``, cut to 160 characters);
- without one: ``hash:`` + :func:`resonanz.core.ingest.content_hash` over the content (source code,
  ``received_at`` in UTC, customer external id, title, text, nps, csat, ces, rating), so re-sending the same
  answer creates nothing new.

This is the rule of the file import (``resonanz.imports.writers.FeedbackWriter``), so an item posted through
the API and the same item imported later from a file are one row.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from resonanz.core.ingest.keys import DEDUPE_KEY_MAX, feedback_dedupe_key  # noqa: F401 - re-exported
from resonanz.feedback.models import Feedback, FeedbackSource

if TYPE_CHECKING:
    from resonanz.customers.models import Customer
    from resonanz.journeys.models import Channel, Touchpoint

TEXT_MAX_CHARS = 100_000


def _redacted(text: str) -> str:
    """The PII-free version of ``text``, or ``""`` when there is nothing to hide (the UI then shows ``text``)."""
    if not text:
        return ""
    from resonanz.core.text.pii import find_pii, redact

    spans = find_pii(text)
    return redact(text, spans) if spans else ""


def feedback_get_or_create(
    *,
    source: FeedbackSource,
    received_at: datetime | None = None,
    text: str = "",
    title: str = "",
    customer: Customer | None = None,
    channel: Channel | None = None,
    touchpoint: Touchpoint | None = None,
    language: str = "",
    nps: int | None = None,
    csat: int | None = None,
    ces: int | None = None,
    rating: int | None = None,
    properties: dict[str, Any] | None = None,
    external_id: str = "",
    import_batch: Any = None,
) -> tuple[Feedback, bool]:
    """Create one feedback item unless one with the same dedupe key exists; returns ``(item, created)``.

    An existing item is returned unchanged. The channel defaults to the touchpoint's channel; PII in the
    text is redacted into ``text_redacted`` (and, with ``RESONANZ_REDACT_AT_INGEST``, the original is not kept).
    """
    received_at = received_at or timezone.now()
    text = text or ""
    if len(text) > TEXT_MAX_CHARS:
        raise ValueError(f"text is longer than {TEXT_MAX_CHARS} characters")
    key = feedback_dedupe_key(
        source_code=source.code, external_id=external_id, received_at=received_at, text=text, title=title,
        customer_external_id=customer.external_id if customer else "", nps=nps, csat=csat, ces=ces, rating=rating,
    )
    existing = Feedback.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return existing, False
    if channel is None and touchpoint is not None:
        channel = touchpoint.channel
    text_redacted = _redacted(text)
    if text_redacted and getattr(settings, "RESONANZ_REDACT_AT_INGEST", False):
        text = text_redacted
    item = Feedback(
        source=source, channel=channel, touchpoint=touchpoint, customer=customer, received_at=received_at,
        title=title or "", text=text, text_redacted=text_redacted, language=(language or "").strip().lower(),
        nps=nps, csat=csat, ces=ces, rating=rating, properties=properties or {},
        external_id=(external_id or "").strip(), dedupe_key=key, import_batch=import_batch,
    )
    try:
        with transaction.atomic():
            item.full_clean(exclude=["dedupe_key"])
            item.save(force_insert=True)
    except IntegrityError:
        existing = Feedback.objects.filter(dedupe_key=key).first()
        if existing is None:
            raise
        return existing, False
    return item, True


def feedback_create(**kwargs: Any) -> Feedback:
    """Like :func:`feedback_get_or_create`, returning only the item (the existing one for a duplicate)."""
    return feedback_get_or_create(**kwargs)[0]


_UPDATABLE = {
    "source", "channel", "touchpoint", "customer", "received_at", "title", "text", "language",
    "nps", "csat", "ces", "rating", "properties",
}


@transaction.atomic
def feedback_update(feedback: Feedback, **fields: Any) -> Feedback:
    """Change fields of one item. The dedupe key stays (it identifies the item as first received);
    a changed text is redacted again."""
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}")
    for name, value in fields.items():
        setattr(feedback, name, value)
    if "text" in fields:
        feedback.text = feedback.text or ""
        feedback.text_redacted = _redacted(feedback.text)
        if feedback.text_redacted and getattr(settings, "RESONANZ_REDACT_AT_INGEST", False):
            feedback.text = feedback.text_redacted
    if "language" in fields:
        feedback.language = (feedback.language or "").strip().lower()
    if fields.get("touchpoint") is not None and "channel" not in fields and feedback.channel_id is None:
        feedback.channel = feedback.touchpoint.channel  # type: ignore[union-attr]
    feedback.full_clean(exclude=["dedupe_key"])
    feedback.save()
    return feedback
