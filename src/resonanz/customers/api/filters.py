"""Filters for the customer and order API lists."""

from __future__ import annotations

import django_filters as df
from django.db import connection
from django.db.models import Q, QuerySet

from resonanz.customers.models import AgeBand, Customer, Gender, Order

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def _case_variants(q: str) -> list[str]:
    """SQLite's LIKE folds ASCII case only; add the usual casings so ``özdemir`` also finds ``Özdemir``."""
    if connection.vendor != "sqlite" or q.isascii():
        return [q]
    return list(dict.fromkeys([q, q.lower(), q.upper(), q.capitalize(), q.title()]))


class CustomerFilter(df.FilterSet):
    country = df.CharFilter(field_name="country", lookup_expr="iexact", max_length=2, label="Country (ISO code)")
    region = df.CharFilter(field_name="region", lookup_expr="iexact", max_length=128, label="Region")
    gender = df.ChoiceFilter(field_name="gender", choices=Gender.choices, label="Gender (f, m, d)")
    age_band = df.ChoiceFilter(field_name="age_band", choices=AgeBand.choices, label="Age band")
    external_id = df.CharFilter(field_name="external_id", label="External id (exact)", max_length=128)
    q = df.CharFilter(method="filter_q", max_length=200, label="Search in name, email and external id")

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        value = value.strip()
        if not value:
            return queryset
        cond = Q()
        for v in _case_variants(value):
            cond |= Q(name__icontains=v) | Q(email__icontains=v) | Q(external_id__icontains=v)
        return queryset.filter(cond)


class OrderFilter(df.FilterSet):
    customer = df.CharFilter(field_name="customer__external_id", max_length=128, label="Customer external id")
    external_id = df.CharFilter(field_name="external_id", max_length=128, label="Order number (exact)")
    ordered_from = df.DateFilter(
        field_name="ordered_at", lookup_expr="date__gte", input_formats=DATE_INPUT_FORMATS,
        label="Ordered on or after (date)",
    )
    ordered_to = df.DateFilter(
        field_name="ordered_at", lookup_expr="date__lte", input_formats=DATE_INPUT_FORMATS,
        label="Ordered on or before (date)",
    )
    amount_min = df.NumberFilter(field_name="amount", lookup_expr="gte", label="Amount at least")
    amount_max = df.NumberFilter(field_name="amount", lookup_expr="lte", label="Amount at most")
    channel = df.CharFilter(field_name="channel__code", max_length=32, label="Channel code")

    class Meta:
        model = Order
        fields: list[str] = []
