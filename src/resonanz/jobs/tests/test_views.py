"""Jobs pages: list with progress, detail polling only while running, permissions."""

from __future__ import annotations

import pytest

from resonanz.jobs.models import JobStatus
from resonanz.jobs.services import job_create, job_fail, job_finish, job_progress, job_start

pytestmark = pytest.mark.django_db


def test_anonymous_redirect_norole_403(client, norole_client):
    job = job_create(kind="import", label="x")
    for url in ("/jobs/", f"/jobs/{job.pk}/"):
        assert client.get(url).status_code == 302
        assert norole_client.get(url).status_code == 403


def test_list_shows_status_progress_and_error(viewer_client):
    running = job_create(kind="import", label="kunden.csv", total=200)
    job_start(job_id=running.pk)
    job_progress(job_id=running.pk, done=50)
    failed = job_create(kind="analysis", label="Themen")
    job_fail(job_id=failed.pk, error="Datei <b>kaputt</b>")
    html = viewer_client.get("/jobs/").content.decode()
    assert "kunden.csv" in html and 'aria-valuenow="25"' in html and "50 / 200" in html
    assert "Datei &lt;b&gt;kaputt&lt;/b&gt;" in html
    assert 'hx-trigger="every 2s"' in html  # something runs → the table refreshes


def test_empty_list(viewer_client):
    assert "Noch keine Hintergrundaufträge" in viewer_client.get("/jobs/").content.decode()


def test_detail_polls_while_running_and_stops_when_done(viewer_client):
    job = job_create(kind="import", label="feedback.csv", total=10)
    job_start(job_id=job.pk)
    html = viewer_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "hx-trigger=\"every 2s\"" in html and "<html" in html
    job_finish(job_id=job.pk, counts={"created": 10, "odd_key": 3})
    frag = viewer_client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in frag and "hx-trigger" not in frag
    assert "<th>neu angelegt</th><td>10</td>" in frag and "<th>odd_key</th><td>3</td>" in frag  # readable names
    assert str(JobStatus.DONE.label) in frag


def test_missing_job_is_404(viewer_client):
    assert viewer_client.get("/jobs/424242/").status_code == 404


def test_list_filters_by_kind_and_status_and_keeps_the_filter_while_polling(viewer_client):
    imp = job_create(kind="import", label="kunden.csv")
    for i in range(3):
        job_create(kind="analysis", label=f"Textanalyse {i}")
    job_start(job_id=imp.pk)
    page = viewer_client.get("/jobs/", {"kind": "import"}).content.decode()
    assert "kunden.csv" in page and "Textanalyse 0" not in page
    assert 'hx-get="/jobs/?kind=import"' in page  # the poll asks for the same filter
    done = viewer_client.get("/jobs/", {"kind": "analysis", "status": "running"}).content.decode()
    assert "Textanalyse" not in done and "kunden.csv" not in done
    unknown = viewer_client.get("/jobs/", {"kind": "<script>", "status": "x"}).content.decode()
    assert "kunden.csv" in unknown and "Textanalyse 2" in unknown and "<script>" not in unknown  # ignored
