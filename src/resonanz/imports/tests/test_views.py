import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resonanz.feedback.models import Feedback
from resonanz.imports.models import ImportBatch

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def upload(client, content, name="fb.csv", **extra):
    data = {"kind": "feedback", "file": SimpleUploadedFile(name, content), "source": "", "encoding": "",
            "delimiter": "", **extra}
    return client.post(reverse("imports:new"), data)


def test_anonymous_users_are_redirected_to_login(client):
    for name in ("imports:list", "imports:new"):
        resp = client.get(reverse(name))
        assert resp.status_code == 302
        assert "/accounts/" in resp["Location"]


def test_viewer_gets_403_on_upload_and_list(client, viewer):
    # viewers have neither imports.add_importbatch nor imports.view_importbatch (analyst and admin do)
    client.force_login(viewer)
    assert client.get(reverse("imports:list")).status_code == 403
    assert client.get(reverse("imports:new")).status_code == 403
    assert upload(client, b"Datum;Kommentar\n23.11.2026;x\n").status_code == 403
    assert ImportBatch.objects.count() == 0


def test_upload_preview_confirm_and_progress_page(client, analyst, media, django_capture_on_commit_callbacks):
    client.force_login(analyst)
    content = "Datum;Kommentar;Weiterempfehlung\n23.11.2026;Alles gut;9\n24.11.2026;Lieferung spät;3\n".encode("cp1252")
    resp = upload(client, content)
    assert resp.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.stored_file.startswith("imports/")
    assert (media / batch.stored_file).is_file()
    assert resp["Location"] == reverse("imports:preview", args=[batch.pk])

    page = client.get(resp["Location"]).content.decode()
    assert "cp1252" in page and "Lieferung spät" in page
    assert 'value="received_at" selected' in page and 'value="nps" selected' in page

    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("imports:preview", args=[batch.pk]),
                           {"col_0": "received_at", "col_1": "text", "col_2": "nps"})
    assert resp.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "done", batch.errors
    assert batch.rows_created == 2
    assert batch.job.status == "done"
    assert Feedback.objects.count() == 2
    detail = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "hx-trigger" not in detail  # finished: no more polling


def test_progress_page_polls_while_running(client, analyst):
    client.force_login(analyst)
    batch = ImportBatch.objects.create(kind="feedback", file_name="x.csv", stored_file="imports/x/upload.csv",
                                       status="running", options={"confirmed": True})
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert 'hx-get="{}"'.format(reverse("imports:status", args=[batch.pk])) in page
    assert 'hx-trigger="every 1s"' in page


def test_preview_refuses_mapping_without_required_field(client, analyst):
    client.force_login(analyst)
    upload(client, b"Datum;Kommentar\n23.11.2026;x\n")
    batch = ImportBatch.objects.get()
    resp = client.post(reverse("imports:preview", args=[batch.pk]), {"col_0": "", "col_1": "text"})
    assert resp.status_code == 200
    assert "received_at" in resp.content.decode()
    batch.refresh_from_db()
    assert not batch.options.get("confirmed")


def test_upload_over_the_size_limit_is_refused_with_a_clear_message(client, analyst, settings):
    settings.RESONANZ_MAX_UPLOAD_BYTES = 10
    client.force_login(analyst)
    resp = upload(client, b"Datum;Kommentar\n23.11.2026;x\n")
    assert resp.status_code == 400
    assert "erlaubt sind höchstens" in resp.content.decode()
    assert ImportBatch.objects.count() == 0


def test_hostile_text_and_errors_are_rendered_escaped(client, analyst, django_capture_on_commit_callbacks):
    client.force_login(analyst)
    content = f"Datum;Kommentar;NPS\n23.11.2026;{HOSTILE};9\n{HOSTILE};x;11\n".encode()
    upload(client, content, skip_invalid="on")
    batch = ImportBatch.objects.get()
    preview = client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert "<script>alert(1)" not in preview and "&lt;script&gt;" in preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:preview", args=[batch.pk]), {"col_0": "received_at", "col_1": "text",
                                                                   "col_2": "nps"})
    batch.refresh_from_db()
    assert batch.rows_created == 1 and batch.rows_rejected == 1
    assert Feedback.objects.get().text == HOSTILE
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert "E111" in page and "E113" in page
    resp = client.get(reverse("imports:download", args=[batch.pk, "rejected"]))
    assert resp.status_code == 200
    body = b"".join(resp.streaming_content).decode("utf-8-sig")
    assert "E113" in body
    listing = client.get(reverse("imports:list")).content.decode()
    assert reverse("imports:download", args=[batch.pk, "rejected"]) in listing


def test_download_of_unknown_file_is_404(client, analyst):
    client.force_login(analyst)
    batch = ImportBatch.objects.create(kind="feedback", file_name="x.csv", rejected_file="../../etc/passwd")
    assert client.get(reverse("imports:download", args=[batch.pk, "rejected"])).status_code == 404
    assert client.get(reverse("imports:download", args=[batch.pk, "other"])).status_code == 404
