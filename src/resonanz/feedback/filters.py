"""The one feedback filter, shared by the UI list (/feedback/) and the REST API (/api/v1/feedback/).

Query parameters (all optional, combinable):

============================  ==========================================================================
``channel``, ``source``,      code(s); repeat the parameter (``?channel=email&channel=chat``) or separate
``touchpoint``                with commas (``?channel=email,chat``). An unknown code is a form error.
``stage``                     journey stage code (the stage of the feedback's touchpoint)
``received_from``,            dates, inclusive, in the server time zone; ISO (``2025-03-31``) or German
``received_to``               (``31.03.2025``, ``31.03.25``)
``nps_min`` … ``rating_max``  inclusive score bounds; out-of-scale values (``nps_max=11``) are form errors
``language``                  language code as stored (``de``, ``en`` …)
``customer``                  the customer's external id (exact)
``has_text``                  ``true``/``false``: only feedback with / without text
``q``                         case-insensitive substring search in title and text
``region``                    the customer's region (exact)
``sentiment``                 model sentiment: negative / neutral / positive (several allowed)
``topic``                     topic key; includes its sub-topics (``delivery`` finds ``delivery.delay``)
``emotion``                   an emotion the model found (joy, trust, anger, frustration, worry, …)
``intent``                    complaint, praise, question, suggestion, cancellation
``urgent``                    ``true``/``false``
============================  ==========================================================================

Invalid values never cause a 500: ``filterset.is_valid()`` is False and ``filterset.errors`` says why
(the UI shows the message, DRF's backend answers 400).

PII: when the FilterSet gets a ``request`` whose user lacks ``feedback.view_original_text``, ``q`` searches
the redacted text (where there is one) instead of the original, so a search cannot reveal what redaction
hides (e.g. finding rows by a redacted surname).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters as df
from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from resonanz.feedback.models import Feedback, FeedbackSource
from resonanz.journeys.models import Channel, JourneyStage, Touchpoint

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def _label(obj: Any) -> str:
    label = getattr(obj, "label", None)
    return label(get_language() or "de") if callable(label) else str(obj)


class _CodeMultipleField(forms.ModelMultipleChoiceField):
    """Codes, repeated or comma-separated; labels in the current UI language."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if value:
            value = [part.strip() for v in value for part in str(v).split(",") if part.strip()]
        return super().clean(value)

    def label_from_instance(self, obj: Any) -> str:
        return _label(obj)


class _CodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _label(obj)


class _CodeMultipleFilter(df.ModelMultipleChoiceFilter):
    field_class = _CodeMultipleField

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        # One ``IN (…)`` on the foreign key: no join, no DISTINCT.
        return qs.filter(**{f"{self.field_name}__in": list(value)}) if value else qs


class _CodeChoiceFilter(df.ModelChoiceFilter):
    field_class = _CodeChoiceField

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return qs.filter(**{self.field_name: value}) if value is not None else qs


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _score(field: str, lookup: str, low: int, high: int, label: Any) -> df.NumberFilter:
    return df.NumberFilter(
        field_name=field, lookup_expr=lookup, label=label, min_value=low, max_value=high, decimal_places=0,
        widget=forms.NumberInput(attrs={"min": low, "max": high, "step": 1}),
    )


def _case_variants(q: str) -> list[str]:
    """SQLite's LIKE folds ASCII case only; add the usual casings so ``über`` also finds ``Über``."""
    if connection.vendor != "sqlite" or q.isascii():
        return [q]
    return list(dict.fromkeys([q, q.lower(), q.upper(), q.capitalize(), q.title()]))


SENTIMENTS = [("negative", _("negativ")), ("neutral", _("neutral")), ("positive", _("positiv"))]
EMOTIONS = [(e, e) for e in ("joy", "trust", "anger", "frustration", "worry", "surprise", "disappointment")]
INTENTS = [("complaint", _("Beschwerde")), ("praise", _("Lob")), ("question", _("Frage")),
           ("suggestion", _("Vorschlag")), ("cancellation", _("Kündigung / Abwanderung"))]


class FeedbackFilterForm(forms.Form):
    """Cross-field checks: a lower bound must not exceed its upper bound."""

    PAIRS = [("received_from", "received_to"), ("nps_min", "nps_max"), ("csat_min", "csat_max"),
             ("ces_min", "ces_max"), ("rating_min", "rating_max")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for low, high in self.PAIRS:
            a, b = data.get(low), data.get(high)
            if a is not None and b is not None and a > b:
                self.add_error(high, _("Der Bis-Wert ist kleiner als der Ab-Wert."))
        return data


class FeedbackFilter(df.FilterSet):
    """Filters for the feedback list and API; see the module docstring for parameters and semantics."""

    channel = _CodeMultipleFilter(
        field_name="channel", to_field_name="code", queryset=Channel.objects.order_by("name_de"),
        label=_("Kanal"), widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    source = _CodeMultipleFilter(
        field_name="source", to_field_name="code", queryset=FeedbackSource.objects.order_by("name"),
        label=_("Quelle"), widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    touchpoint = _CodeMultipleFilter(
        field_name="touchpoint", to_field_name="code",
        queryset=Touchpoint.objects.order_by("stage__position", "name_de"),
        label=_("Touchpoint"), widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    stage = _CodeChoiceFilter(
        field_name="touchpoint__stage", to_field_name="code", queryset=JourneyStage.objects.order_by("position"),
        label=_("Phase"), empty_label=_("alle"),
    )
    received_from = df.DateFilter(
        method="filter_received_from", label=_("Eingang von"), input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    received_to = df.DateFilter(
        method="filter_received_to", label=_("Eingang bis"), input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    nps_min = _score("nps", "gte", 0, 10, _("NPS ab"))
    nps_max = _score("nps", "lte", 0, 10, _("NPS bis"))
    csat_min = _score("csat", "gte", 1, 5, _("CSAT ab"))
    csat_max = _score("csat", "lte", 1, 5, _("CSAT bis"))
    ces_min = _score("ces", "gte", 1, 7, _("CES ab"))
    ces_max = _score("ces", "lte", 1, 7, _("CES bis"))
    rating_min = _score("rating", "gte", 1, 5, _("Sterne ab"))
    rating_max = _score("rating", "lte", 1, 5, _("Sterne bis"))
    language = df.CharFilter(field_name="language", lookup_expr="iexact", label=_("Sprache"), max_length=8)
    customer = df.CharFilter(field_name="customer__external_id", label=_("Kundennummer"), max_length=128)
    has_text = df.BooleanFilter(
        method="filter_has_text", label=_("mit Text"),
        widget=forms.Select(choices=[("", _("egal")), ("true", _("ja")), ("false", _("nein"))]),
    )
    q = df.CharFilter(method="filter_q", label=_("Suche"), max_length=200)
    region = df.CharFilter(field_name="customer__region", label=_("Region"), max_length=128)
    sentiment = df.MultipleChoiceFilter(
        field_name="analysis__sentiment", label=_("Stimmung"), choices=SENTIMENTS,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    topic = df.CharFilter(method="filter_topic", label=_("Thema"), max_length=64)
    emotion = df.ChoiceFilter(method="filter_emotion", label=_("Emotion"), choices=EMOTIONS, empty_label=_("alle"))
    intent = df.ChoiceFilter(field_name="analysis__intent", label=_("Absicht"), choices=INTENTS, empty_label=_("alle"))
    urgent = df.BooleanFilter(
        field_name="analysis__urgent", label=_("dringend"),
        widget=forms.Select(choices=[("", _("egal")), ("true", _("ja")), ("false", _("nein"))]),
    )

    class Meta:
        model = Feedback
        fields: list[str] = []
        form = FeedbackFilterForm

    def filter_received_from(self, queryset: QuerySet[Feedback], name: str, value: date) -> QuerySet[Feedback]:
        return queryset.filter(received_at__gte=_day_start(value))

    def filter_received_to(self, queryset: QuerySet[Feedback], name: str, value: date) -> QuerySet[Feedback]:
        return queryset.filter(received_at__lt=_day_start(value + timedelta(days=1)))

    def filter_topic(self, queryset: QuerySet[Feedback], name: str, value: str) -> QuerySet[Feedback]:
        from resonanz.analysis.models import FeedbackTopic

        key = value.strip()
        if not key:
            return queryset
        hits = FeedbackTopic.objects.filter(
            Q(topic__key=key) | Q(topic__key__startswith=key + "."), feedback_id=OuterRef("pk"))
        return queryset.filter(Exists(hits))

    def filter_emotion(self, queryset: QuerySet[Feedback], name: str, value: str) -> QuerySet[Feedback]:
        # emotions are stored as [{"name": …, "score": …}]; the quoted name matches only a whole name
        return queryset.filter(analysis__emotions__icontains=f'"{value}"') if value else queryset

    def filter_has_text(self, queryset: QuerySet[Feedback], name: str, value: bool | None) -> QuerySet[Feedback]:
        if value is None:
            return queryset
        return queryset.exclude(text="") if value else queryset.filter(text="")

    def filter_q(self, queryset: QuerySet[Feedback], name: str, value: str) -> QuerySet[Feedback]:
        value = value.strip()
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        original = self.request is None or bool(user and user.has_perm("feedback.view_original_text"))
        cond = Q()
        for v in _case_variants(value):
            if original:
                cond |= Q(title__icontains=v) | Q(text__icontains=v)
            else:
                cond |= (
                    Q(title__icontains=v)
                    | Q(text_redacted="", text__icontains=v)
                    | (~Q(text_redacted="") & Q(text_redacted__icontains=v))
                )
        return queryset.filter(cond)
