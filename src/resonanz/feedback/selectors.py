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
    from django.db.models import Prefetch

    from resonanz.analysis.models import FeedbackTopic

    return Feedback.objects.select_related(
        "source", "channel", "touchpoint", "touchpoint__stage", "customer", "analysis"
    ).prefetch_related(
        Prefetch("topic_hits", queryset=FeedbackTopic.objects.select_related("topic").order_by("-score"))
    ).order_by("-received_at", "-id")


def feedback_list_queryset() -> QuerySet[Feedback]:
    """Like ``feedback_base_queryset`` without the columns a list row never shows (JSON decoding is slow)."""
    return feedback_base_queryset().defer(
        "properties", "customer__attributes", "external_id", "dedupe_key", "created_at", "import_batch_id",
        "analysis__components", "analysis__input_hash"
    )


def feedback_filter(*, params: QueryDict | dict[str, Any], request: HttpRequest | None = None) -> FeedbackFilter:
    """The bound filter over all feedback. ``.qs`` is empty when the parameters are invalid (see errors)."""
    fs = FeedbackFilter(params, queryset=feedback_list_queryset(), request=request)
    if not fs.is_valid():
        fs._qs = Feedback.objects.none()  # never show a silently half-applied filter
    return fs


def feedback_get(*, feedback_id: int) -> Feedback:
    return feedback_base_queryset().get(pk=feedback_id)


def feedback_list_for_customer(*, customer_id: int) -> QuerySet[Feedback]:
    """The customer's feedback with source, channel and touchpoint (used by the customer timeline)."""
    return Feedback.objects.filter(customer_id=customer_id).select_related("source", "channel", "touchpoint")


def feedback_stats_for_customer(*, customer_id: int) -> dict[str, Any]:
    """``count`` of the customer's feedback and the ``latest_nps`` answer with its time (two queries)."""
    count = Feedback.objects.filter(customer_id=customer_id).count()
    latest = (
        Feedback.objects.filter(customer_id=customer_id, nps__isnull=False)
        .order_by("-received_at", "-id").values("nps", "received_at").first()
    )
    return {
        "count": count,
        "latest_nps": latest["nps"] if latest else None,
        "latest_nps_at": latest["received_at"] if latest else None,
    }


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


def label(obj: Any, language: str) -> str:
    """The display name of a channel / touchpoint / stage in the UI language ("" for None)."""
    if obj is None:
        return ""
    fn = getattr(obj, "label", None)
    return fn(language) if callable(fn) else str(obj)


def attach_shown_text(rows: Iterable[Feedback], *, original: bool, language: str = "de") -> list[Feedback]:
    """Prepare rows for display: ``row.shown`` (a ShownText; templates render ``row.shown.text``, never
    ``row.text``) and ``row.labels`` (channel and touchpoint names in ``language``), so list templates
    need no per-row includes (those dominated the render time)."""
    out = list(rows)
    for row in out:
        row.shown = shown_text(row, original=original)  # type: ignore[attr-defined]
        row.labels = {  # type: ignore[attr-defined]
            "channel": label(row.channel if row.channel_id else None, language),
            "touchpoint": label(row.touchpoint if row.touchpoint_id else None, language),
        }
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
