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
