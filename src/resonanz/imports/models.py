"""Import batches: one upload or CLI run of a file, with its mapping, status, counts and rejected rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Kunden")
    ORDERS = "orders", _("Bestellungen")
    EVENTS = "events", _("Journey-Ereignisse")
    FEEDBACK = "feedback", _("Feedback")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("wartet")
    RUNNING = "running", _("läuft")
    DONE = "done", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


class ImportBatch(models.Model):
    """One import of one file. The batch is atomic by default; with ``skip_invalid`` valid rows go in and
    rejected rows are kept in ``rejected_file`` (downloadable) and summarised in ``errors``."""

    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    stored_file = models.CharField(max_length=500, blank=True)  # path inside MEDIA_ROOT for background runs
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_format = models.CharField(max_length=8, blank=True)
    encoding = models.CharField(max_length=32, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # target field -> source column
    options = models.JSONField(default=dict, blank=True)  # skip_invalid, default source, date format …
    skip_invalid = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{row, column, value, reason, code}] (first N)
    rejected_file = models.CharField(max_length=500, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"
