"""`resonanz setup` after an upgrade: migrates and queues the renewal of outdated analyses (once)."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from resonanz.cli import platform

pytestmark = pytest.mark.django_db


def _app() -> typer.Typer:
    app = typer.Typer()
    platform.register(app)
    app.command("noop", hidden=True)(lambda: None)  # more than one command: typer keeps sub-command names
    return app


def test_setup_queues_one_refresh_when_analyses_exist(make_feedback) -> None:
    from resonanz.analysis.models import FeedbackAnalysis
    from resonanz.jobs.models import Job

    app = _app()
    empty = CliRunner().invoke(app, ["setup"])
    assert empty.exit_code == 0, empty.output
    assert "Database ready." in empty.output and not Job.objects.exists()
    fb = make_feedback(text="Alles gut")
    FeedbackAnalysis.objects.create(feedback=fb, sentiment="positive", input_hash="x", version="old")
    first = CliRunner().invoke(app, ["setup"])
    assert first.exit_code == 0 and "Queued job" in first.output
    assert Job.objects.filter(kind="analysis", params__refresh=True).count() == 1
    again = CliRunner().invoke(app, ["setup"])  # the waiting job already covers it
    assert again.exit_code == 0 and "Queued job" not in again.output
    assert Job.objects.count() == 1


def test_jobs_prune_deletes_only_finished_jobs_older_than_the_given_days() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from resonanz.jobs.models import Job, JobStatus

    now = timezone.now()
    old_done = Job.objects.create(kind="analysis", status=JobStatus.DONE, finished_at=now - timedelta(days=40))
    old_failed = Job.objects.create(kind="import", status=JobStatus.FAILED, finished_at=now - timedelta(days=31))
    recent = Job.objects.create(kind="analysis", status=JobStatus.DONE, finished_at=now - timedelta(days=3))
    waiting = Job.objects.create(kind="analysis", status=JobStatus.QUEUED)
    Job.objects.filter(pk=waiting.pk).update(created_at=now - timedelta(days=90))
    result = CliRunner().invoke(_app(), ["jobs", "prune", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 finished jobs older than 30 days." in result.output
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not Job.objects.filter(pk__in=[old_done.pk, old_failed.pk]).exists()
    bad = CliRunner().invoke(_app(), ["jobs", "prune", "--days", "0"])
    assert bad.exit_code == 2 and Job.objects.count() == 2
