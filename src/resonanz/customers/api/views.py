"""Customers and orders. Reads need the view permission (every role), writes the add/change permission
(analyst and admin); deleting is admin-only (no role below admin holds delete permissions)."""

from __future__ import annotations

from rest_framework import viewsets

from resonanz.accounts.api.common import ApiListMixin
from resonanz.customers.api.filters import CustomerFilter, OrderFilter
from resonanz.customers.api.serializers import CustomerSerializer, OrderSerializer
from resonanz.customers.models import Customer, Order


class CustomerViewSet(ApiListMixin, viewsets.ModelViewSet):
    """Customers, addressed by id; ``?external_id=`` finds one by its external id. Filters: country, region,
    gender, age_band, external_id, q (name, email, external id). Ordering: created_at, updated_at, name,
    external_id, country, region."""

    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ["created_at", "updated_at", "name", "external_id", "country", "region"]
    ordering = ["-created_at", "-id"]


class OrderViewSet(ApiListMixin, viewsets.ModelViewSet):
    """Orders; ``customer`` and ``channel`` are the customer's external id and the channel code. Filters:
    customer, external_id, channel, ordered_from/ordered_to (dates), amount_min/amount_max. Ordering:
    ordered_at, amount, external_id, items_count."""

    queryset = Order.objects.select_related("customer", "channel")
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["ordered_at", "amount", "external_id", "items_count"]
    ordering = ["-ordered_at", "-id"]
