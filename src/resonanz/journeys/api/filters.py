"""Filters for the journey API lists."""

from __future__ import annotations

import django_filters as df

from resonanz.journeys.models import Event, Touchpoint

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


class TouchpointFilter(df.FilterSet):
    stage = df.CharFilter(field_name="stage__code", max_length=32, label="Journey stage code")
    channel = df.CharFilter(field_name="channel__code", max_length=32, label="Channel code")
    active = df.BooleanFilter(field_name="active")

    class Meta:
        model = Touchpoint
        fields: list[str] = []


class EventFilter(df.FilterSet):
    customer = df.CharFilter(field_name="customer__external_id", max_length=128, label="Customer external id")
    external_id = df.CharFilter(field_name="external_id", max_length=128, label="Event external id (exact)")
    type = df.CharFilter(field_name="type", max_length=64, label="Event type (exact)")
    touchpoint = df.CharFilter(field_name="touchpoint__code", max_length=48, label="Touchpoint code")
    stage = df.CharFilter(field_name="stage__code", max_length=32, label="Journey stage code")
    occurred_from = df.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", input_formats=DATE_INPUT_FORMATS,
        label="Occurred on or after (date)",
    )
    occurred_to = df.DateFilter(
        field_name="occurred_at", lookup_expr="date__lte", input_formats=DATE_INPUT_FORMATS,
        label="Occurred on or before (date)",
    )

    class Meta:
        model = Event
        fields: list[str] = []
