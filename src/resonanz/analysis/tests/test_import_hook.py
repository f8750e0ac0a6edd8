"""Imported feedback is analysed in the background: language, redaction, sentiment, topics."""

from __future__ import annotations

from pathlib import Path

import pytest

from resonanz.analysis.models import FeedbackAnalysis
from resonanz.feedback.models import Feedback
from resonanz.imports.services import import_file
from resonanz.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_feedback_import_queues_analysis_that_fills_language_and_redaction(tmp_path: Path, django_capture_on_commit_callbacks) -> None:
    csv = tmp_path / "fb.csv"
    csv.write_text(
        "Datum;Kommentar;Weiterempfehlung\n"
        "23.11.2026;Die Lieferung war viel zu spät, rufen Sie mich an: 0171 1234567;2\n"
        "24.11.2026;Great advice in the store, thank you!;10\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = import_file(path=csv, kind="feedback", source="nps_survey")
    assert result.rows_created == 2
    job = Job.objects.get(kind="analysis")
    assert job.status == "done" and job.counts == {"analysed": 2, "skipped": 0}
    late = Feedback.objects.get(text__startswith="Die Lieferung")
    assert late.language == "de" and "1234567" not in late.text_redacted
    assert FeedbackAnalysis.objects.get(feedback=late).sentiment == "negative"
    assert FeedbackAnalysis.objects.get(feedback__text__startswith="Great").language == "en"
