"""Background job records: what runs, its progress, counts and errors, visible in the UI."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("eingereiht")
    RUNNING = "running", _("läuft")
    DONE = "done", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


# what the counts of the common jobs mean; other keys are shown as they are
COUNT_LABELS = {
    "rows": _("Zeilen"), "created": _("neu angelegt"), "updated": _("aktualisiert"), "unchanged": _("unverändert"),
    "rejected": _("abgewiesen"), "analysed": _("vollständig analysiert"),
    "renewed_from_embeddings": _("aus gespeicherten Vektoren erneuert"),
    "skipped": _("übersprungen (schon aktuell)"), "suggestions": _("Themenvorschläge"),
}


class Job(models.Model):
    """A unit of background work (import, analysis, re-training …). Tasks update it; the UI polls it."""

    kind = models.CharField(max_length=48, db_index=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    label = models.CharField(max_length=255, blank=True)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Hintergrundauftrag")
        verbose_name_plural = _("Hintergrundaufträge")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, int(100 * self.progress_done / self.progress_total))

    @property
    def counts_display(self) -> list[tuple[str, object]]:
        """The counts with readable names (the key itself where there is none)."""
        return [(str(COUNT_LABELS.get(k, k)), v) for k, v in (self.counts or {}).items()]

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}
