"""Reads for background jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from resonanz.jobs.models import Job


def job_list(*, limit: int = 50) -> QuerySet[Job]:
    return Job.objects.select_related("created_by").order_by("-created_at")[:limit]


def job_get(*, job_id: int) -> Job:
    return Job.objects.get(pk=job_id)
