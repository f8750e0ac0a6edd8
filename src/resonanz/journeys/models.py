"""Journey building blocks: stages (phases), channels, touchpoints and the events customers create there."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JourneyStage(models.Model):
    """A phase of the customer journey (default five from the seed: Bekanntheit … Nach dem Kauf). Editable."""

    code = models.SlugField(max_length=32, unique=True)
    name_de = models.CharField(_("Name (deutsch)"), max_length=64)
    name_en = models.CharField(_("Name (englisch)"), max_length=64)
    description_de = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Phase")
        verbose_name_plural = _("Phasen")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name_de

    def label(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_de


class Channel(models.Model):
    """A contact channel, online or offline (website, store, phone, email, chat, app, social media …)."""

    code = models.SlugField(max_length=32, unique=True)
    name_de = models.CharField(_("Name (deutsch)"), max_length=64)
    name_en = models.CharField(_("Name (englisch)"), max_length=64)
    online = models.BooleanField(_("online"), default=True)

    class Meta:
        verbose_name = _("Kanal")
        verbose_name_plural = _("Kanäle")
        ordering = ["name_de"]

    def __str__(self) -> str:
        return self.name_de

    def label(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_de


class Touchpoint(models.Model):
    """A point of contact (e.g. product page, checkout, delivery, invoice, returns), mapped to a stage and channel."""

    code = models.SlugField(max_length=48, unique=True)
    name_de = models.CharField(_("Name (deutsch)"), max_length=96)
    name_en = models.CharField(_("Name (englisch)"), max_length=96)
    stage = models.ForeignKey(JourneyStage, on_delete=models.PROTECT, related_name="touchpoints")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="touchpoints")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("Touchpoint")
        verbose_name_plural = _("Touchpoints")
        ordering = ["stage__position", "name_de"]

    def __str__(self) -> str:
        return self.name_de

    def label(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_de


class Event(models.Model):
    """Something a customer did or experienced at a touchpoint (page view, store visit, delivery, return …)."""

    external_id = models.CharField(max_length=128, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(_("Zeitpunkt"), db_index=True)
    touchpoint = models.ForeignKey(
        Touchpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    stage = models.ForeignKey(JourneyStage, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    type = models.CharField(_("Typ"), max_length=64, db_index=True)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    properties = models.JSONField(default=dict, blank=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Ereignis")
        verbose_name_plural = _("Ereignisse")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["customer", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.type} @ {self.occurred_at:%Y-%m-%d}"
