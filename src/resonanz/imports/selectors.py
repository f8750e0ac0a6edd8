"""Reads for imports: the batch list, one batch, and the live progress of a running batch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from resonanz.imports.models import ImportBatch


def import_batch_list() -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("created_by", "job").order_by("-created_at", "-id")


def import_batch_get(*, pk: int) -> ImportBatch:
    return import_batch_list().get(pk=pk)


def import_batch_live_progress(*, batch: ImportBatch) -> dict[str, Any] | None:
    """rows/bytes processed so far for a running batch (from ``progress.json``), or ``None``."""
    if not batch.stored_file:
        return None
    pfile = (Path(settings.MEDIA_ROOT) / batch.stored_file).parent / "progress.json"
    try:
        data = json.loads(pfile.read_text())
    except (OSError, ValueError):
        return None
    total = data.get("bytes_total") or 0
    data["percent"] = min(100, int(100 * data.get("bytes_read", 0) / total)) if total else None
    return data


def import_batch_file_path(*, batch: ImportBatch, which: str) -> Path | None:
    """Absolute path of the rejected-rows or errors CSV of a batch (``which`` = rejected | errors)."""
    rel = batch.rejected_file if which == "rejected" else (batch.options or {}).get("errors_file", "")
    if not rel:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / rel).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path
