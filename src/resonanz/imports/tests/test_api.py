import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from resonanz.feedback.models import Feedback
from resonanz.imports.models import ImportBatch

pytestmark = pytest.mark.django_db


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_api_import_with_token_returns_202_and_runs(analyst, django_capture_on_commit_callbacks):
    client = token_client(analyst)
    f = SimpleUploadedFile("fb.csv", b"when;what;score\n2026-11-23;prima;9\n")
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/api/v1/imports/", {
            "file": f, "kind": "feedback", "skip_invalid": "false", "source": "web_form",
            "mapping": json.dumps({"received_at": "when", "text": "what", "nps": "score"}),
        }, format="multipart")
    assert resp.status_code == 202, resp.content
    batch_id = resp.json()["id"]
    batch = ImportBatch.objects.get(pk=batch_id)
    assert batch.status == "done", batch.errors
    assert Feedback.objects.get().source.code == "web_form"
    detail = client.get(f"/api/v1/imports/{batch_id}/").json()
    assert detail["rows_created"] == 1 and detail["status"] == "done"
    listing = client.get("/api/v1/imports/").json()
    assert listing["count"] == 1


def test_api_rejects_bad_mapping_json_and_unknown_kind(analyst):
    client = token_client(analyst)
    resp = client.post("/api/v1/imports/", {"file": SimpleUploadedFile("a.csv", b"a\n1\n"), "kind": "cats",
                                            "mapping": "{nope"}, format="multipart")
    assert resp.status_code == 400
    assert set(resp.json()) >= {"kind", "mapping"}


def test_api_viewer_can_neither_read_nor_import(viewer):
    client = token_client(viewer)
    assert client.get("/api/v1/imports/").status_code == 403
    resp = client.post("/api/v1/imports/", {"file": SimpleUploadedFile("a.csv", b"a\n1\n"), "kind": "feedback"},
                       format="multipart")
    assert resp.status_code == 403


def test_api_requires_authentication():
    assert APIClient().get("/api/v1/imports/").status_code in {401, 403}
