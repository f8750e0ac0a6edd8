"""Reads for journey building blocks and events."""

from __future__ import annotations

from django.db.models import QuerySet

from resonanz.journeys.models import Channel, Event, JourneyStage, Touchpoint


def stage_list() -> QuerySet[JourneyStage]:
    return JourneyStage.objects.order_by("position", "id")


def channel_list() -> QuerySet[Channel]:
    return Channel.objects.order_by("name_de")


def touchpoint_list() -> QuerySet[Touchpoint]:
    return Touchpoint.objects.select_related("stage", "channel").order_by("stage__position", "name_de")


def event_list_for_customer(*, customer_id: int) -> QuerySet[Event]:
    return Event.objects.filter(customer_id=customer_id).select_related("touchpoint", "stage")
