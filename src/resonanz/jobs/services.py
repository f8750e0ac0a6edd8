"""Writes for background jobs. Tasks call these; the UI reads the Job rows to show progress."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from resonanz.jobs.models import Job, JobStatus


def job_create(*, kind: str, label: str = "", params: dict[str, Any] | None = None, user: Any = None,
               total: int | None = None) -> Job:
    """Register a job before it is enqueued, so the UI can show it at once."""
    return Job.objects.create(
        kind=kind, label=label, params=params or {}, created_by=user if getattr(user, "pk", None) else None,
        progress_total=total,
    )


def job_start(*, job_id: int, total: int | None = None) -> None:
    fields: dict[str, Any] = {"status": JobStatus.RUNNING, "started_at": timezone.now(), "error": ""}
    if total is not None:
        fields["progress_total"] = total
    Job.objects.filter(pk=job_id).update(**fields)


def job_progress(*, job_id: int, done: int, total: int | None = None, counts: dict[str, Any] | None = None) -> None:
    """Record progress (absolute ``done``). Cheap: one UPDATE, no read."""
    fields: dict[str, Any] = {"progress_done": done}
    if total is not None:
        fields["progress_total"] = total
    if counts is not None:
        fields["counts"] = counts
    Job.objects.filter(pk=job_id).update(**fields)


def job_advance(*, job_id: int, by: int) -> None:
    Job.objects.filter(pk=job_id).update(progress_done=F("progress_done") + by)


def job_finish(*, job_id: int, counts: dict[str, Any] | None = None) -> None:
    fields: dict[str, Any] = {"status": JobStatus.DONE, "finished_at": timezone.now()}
    if counts is not None:
        fields["counts"] = counts
    Job.objects.filter(pk=job_id).update(**fields)


def job_fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, finished_at=timezone.now(), error=error[:10_000])


def job_prune(*, older_than_days: int = 30) -> int:
    """Delete finished jobs (done or failed) that finished more than ``older_than_days`` days ago; returns how
    many. Queued and running jobs are never deleted."""
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Job.objects.filter(status__in=[JobStatus.DONE, JobStatus.FAILED], finished_at__lt=cutoff).delete()
    return deleted
