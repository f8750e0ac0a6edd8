"""Feedback from every channel: survey answers, reviews, social posts, tickets, chats, call transcripts."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    SURVEY = "survey", _("Umfrage")
    FORM = "form", _("Formular")
    REVIEW = "review", _("Bewertungsportal")
    SOCIAL = "social", _("Social Media")
    EMAIL = "email", _("E-Mail")
    TICKET = "ticket", _("Support-Ticket")
    CHAT = "chat", _("Chat")
    CALL = "call", _("Anruf (Transkript)")
    MANUAL = "manual", _("Manuell")


class FeedbackSource(models.Model):
    """Where feedback comes from: a survey, a review platform, the ticket system … (``kind`` says which type)."""

    code = models.SlugField(max_length=48, unique=True)
    name = models.CharField(_("Name"), max_length=128)
    kind = models.CharField(_("Art"), max_length=16, choices=SourceKind.choices, default=SourceKind.MANUAL)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("Feedback-Quelle")
        verbose_name_plural = _("Feedback-Quellen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Feedback(models.Model):
    """One piece of customer feedback. ``text`` is the original (attacker-controlled: always rendered escaped);
    ``text_redacted`` is the PII-free version shown to lower roles and used in exports. ``dedupe_key`` makes
    imports idempotent: the external id, else a hash of the content."""

    source = models.ForeignKey(FeedbackSource, on_delete=models.PROTECT, related_name="feedback")
    channel = models.ForeignKey(
        "journeys.Channel", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    touchpoint = models.ForeignKey(
        "journeys.Touchpoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    received_at = models.DateTimeField(_("Eingang"), db_index=True)
    title = models.CharField(_("Titel"), max_length=500, blank=True)
    text = models.TextField(_("Text"), blank=True)
    text_redacted = models.TextField(blank=True)
    language = models.CharField(_("Sprache"), max_length=8, blank=True)
    nps = models.PositiveSmallIntegerField(
        "NPS", null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    csat = models.PositiveSmallIntegerField(
        "CSAT", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    ces = models.PositiveSmallIntegerField(
        "CES", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    rating = models.PositiveSmallIntegerField(
        _("Sterne"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    properties = models.JSONField(default=dict, blank=True)
    external_id = models.CharField(max_length=128, blank=True)
    dedupe_key = models.CharField(max_length=160, unique=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Feedback")
        verbose_name_plural = _("Feedback")
        ordering = ["-received_at", "-id"]
        permissions = [("view_original_text", "Can see the original (unredacted) feedback text")]
        indexes = [
            models.Index(fields=["customer", "received_at"]),
            models.Index(fields=["source", "received_at"]),
            models.Index(fields=["touchpoint", "received_at"]),
            models.Index(fields=["channel", "received_at"]),
            models.Index(fields=["language", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(nps__lte=10), name="feedback_nps_0_10"),
            models.CheckConstraint(condition=models.Q(csat__gte=1, csat__lte=5), name="feedback_csat_1_5"),
            models.CheckConstraint(condition=models.Q(ces__gte=1, ces__lte=7), name="feedback_ces_1_7"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"),
        ]

    def __str__(self) -> str:
        return (self.title or self.text[:60]) or f"#{self.pk}"

    @property
    def nps_group(self) -> str | None:
        if self.nps is None:
            return None
        return "promoter" if self.nps >= 9 else "passive" if self.nps >= 7 else "detractor"
