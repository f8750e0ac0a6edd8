"""Reads for feedback and sources: the filterable list, the detail, the text a user may see, the CSV export.

Which text a user sees (PII): users with ``feedback.view_original_text`` (agent, analyst, admin) see the
original ``text``. Everybody else sees ``text_redacted`` when the import stored one; when it did not
(``RESONANZ_REDACT_AT_INGEST`` off), the text is redacted on the fly with the rule-based redactor
``pii.rules-de-en.v1`` and marked "automatisch geschwärzt". A viewer never sees unredacted text.
The CSV export follows the same rule.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from resonanz.core.text.pii import find_pii, redact
from resonanz.feedback.filters import FeedbackFilter
from resonanz.feedback.models import Feedback, FeedbackSource

ORIGINAL, STORED_REDACTED, AUTO_REDACTED = "original", "redacted", "auto_redacted"


def source_list() -> QuerySet[FeedbackSource]:
    return FeedbackSource.objects.order_by("name")


def feedback_base_queryset() -> QuerySet[Feedback]:
    """Feedback with everything a list row shows, in one query (no N+1)."""
    return Feedback.objects.select_related(
        "source", "channel", "touchpoint", "touchpoint__stage", "customer"
    ).order_by("-received_at", "-id")


def feedback_filter(*, params: QueryDict | dict[str, Any], request: HttpRequest | None = None) -> FeedbackFilter:
    """The bound filter over all feedback. ``.qs`` is empty when the parameters are invalid (see errors)."""
    fs = FeedbackFilter(params, queryset=feedback_base_queryset(), request=request)
    if not fs.is_valid():
        fs._qs = Feedback.objects.none()  # never show a silently half-applied filter
    return fs


def feedback_get(*, feedback_id: int) -> Feedback:
    return feedback_base_queryset().get(pk=feedback_id)


def feedback_for_customer(*, customer_id: int, limit: int) -> list[Feedback]:
    """The customer's newest feedback (used by the customer timeline)."""
    return list(
        Feedback.objects.filter(customer_id=customer_id)
        .select_related("source", "channel", "touchpoint")
        .order_by("-received_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class ShownText:
    """The text a user may see and how it came about (``original``, ``redacted``, ``auto_redacted``)."""

    text: str
    state: str

    @property
    def redacted(self) -> bool:
        return self.state != ORIGINAL


def can_see_original(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("feedback.view_original_text"))


def shown_text(feedback: Feedback, *, original: bool) -> ShownText:
    """The feedback text for a user who may (``original=True``) or may not see the original."""
    if original:
        return ShownText(feedback.text, ORIGINAL)
    if feedback.text_redacted:
        return ShownText(feedback.text_redacted, STORED_REDACTED)
    if not feedback.text:
        return ShownText("", STORED_REDACTED)
    return ShownText(redact(feedback.text, find_pii(feedback.text)), AUTO_REDACTED)


def attach_shown_text(rows: Iterable[Feedback], *, original: bool) -> list[Feedback]:
    """Set ``row.shown`` (a ShownText) on every row; templates render ``row.shown.text``, never ``row.text``."""
    out = list(rows)
    for row in out:
        row.shown = shown_text(row, original=original)  # type: ignore[attr-defined]
    return out


# ------------------------------------------------------------------------------------------------ CSV

CSV_HEADER = [
    "id", "received_at", "source", "channel", "touchpoint", "stage", "customer", "language",
    "nps", "csat", "ces", "rating", "title", "text", "text_state",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A cell value that spreadsheet programs will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def feedback_csv_lines(queryset: QuerySet[Feedback], *, original: bool) -> Iterator[str]:
    """CSV lines (header first) of the filtered feedback, streamed in chunks; text as ``shown_text``."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_HEADER)  # BOM: Excel opens UTF-8 correctly
    for fb in queryset.iterator(chunk_size=2000):
        shown = shown_text(fb, original=original)
        stage = fb.touchpoint.stage.code if fb.touchpoint_id else ""
        row = [
            fb.pk, fb.received_at.isoformat(), fb.source.code, fb.channel.code if fb.channel_id else "",
            fb.touchpoint.code if fb.touchpoint_id else "", stage,
            fb.customer.external_id if fb.customer_id else "", fb.language,
            fb.nps, fb.csat, fb.ces, fb.rating, fb.title, shown.text, shown.state,
        ]
        yield writer.writerow([csv_safe(v) for v in row])
