"""Reads for background jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from resonanz.jobs.models import Job


def job_list(*, limit: int = 50, kind: str = "", status: str = "") -> QuerySet[Job]:
    qs = Job.objects.select_related("created_by").order_by("-created_at", "-id")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs[:limit]


def job_kinds() -> list[str]:
    """The kinds of jobs there are (for the list's filter)."""
    return sorted(Job.objects.values_list("kind", flat=True).distinct().order_by())


def job_get(*, job_id: int) -> Job:
    return Job.objects.get(pk=job_id)
