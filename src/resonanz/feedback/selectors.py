"""Reads for feedback and sources (the filterable list lives here too)."""

from __future__ import annotations

from django.db.models import QuerySet

from resonanz.feedback.models import FeedbackSource


def source_list() -> QuerySet[FeedbackSource]:
    return FeedbackSource.objects.order_by("name")
