"""Customers and their orders: the CRM-like customer store every other context refers to."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "f", _("weiblich")
    MALE = "m", _("männlich")
    DIVERSE = "d", _("divers")
    UNKNOWN = "", _("unbekannt")


class AgeBand(models.TextChoices):
    U25 = "18-24", "18–24"
    A25 = "25-34", "25–34"
    A35 = "35-44", "35–44"
    A45 = "45-54", "45–54"
    A55 = "55-64", "55–64"
    A65 = "65+", "65+"
    UNKNOWN = "", _("unbekannt")


class Customer(models.Model):
    """A person or account the company serves. ``external_id`` is the key of the source system (CRM, shop).

    Consent flags carry the time they were given so that the later GDPR tooling can prove them; anything
    the import does not know goes into ``attributes``.
    """

    external_id = models.CharField(_("Kundennummer"), max_length=128, unique=True)
    name = models.CharField(_("Name"), max_length=255, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True, db_index=True)
    phone = models.CharField(_("Telefon"), max_length=64, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("Geburtsjahr"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    age_band = models.CharField(_("Altersgruppe"), max_length=8, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("Geschlecht"), max_length=1, choices=Gender.choices, blank=True)
    postcode = models.CharField(_("PLZ"), max_length=16, blank=True)
    city = models.CharField(_("Ort"), max_length=128, blank=True)
    region = models.CharField(_("Region"), max_length=128, blank=True, db_index=True)
    country = models.CharField(_("Land"), max_length=2, blank=True, db_index=True)
    preferred_language = models.CharField(_("Sprache"), max_length=8, blank=True)
    acquisition_source = models.CharField(_("Akquisequelle"), max_length=64, blank=True)
    consent_marketing = models.BooleanField(_("Einwilligung Marketing"), default=False)
    consent_marketing_at = models.DateTimeField(null=True, blank=True)
    consent_feedback_contact = models.BooleanField(_("Einwilligung Rückmeldung"), default=False)
    consent_feedback_contact_at = models.DateTimeField(null=True, blank=True)
    attributes = models.JSONField(_("Weitere Merkmale"), default=dict, blank=True)
    created_at = models.DateTimeField(_("Kunde seit"), db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Kunde")
        verbose_name_plural = _("Kunden")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or self.external_id

    @property
    def age_group(self) -> str:
        return self.age_band or ""


class Order(models.Model):
    """A purchase. Amounts are stored in the order currency; ``amount`` is never negative (refunds are events)."""

    external_id = models.CharField(_("Bestellnummer"), max_length=128, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    ordered_at = models.DateTimeField(_("Bestelldatum"), db_index=True)
    amount = models.DecimalField(_("Betrag"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("Währung"), max_length=3, default="EUR")
    items_count = models.PositiveIntegerField(_("Artikel"), default=1)
    channel = models.ForeignKey(
        "journeys.Channel", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Bestellung")
        verbose_name_plural = _("Bestellungen")
        ordering = ["-ordered_at", "-id"]
        indexes = [models.Index(fields=["customer", "ordered_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="order_amount_not_negative")]

    def __str__(self) -> str:
        return self.external_id
