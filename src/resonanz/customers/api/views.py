"""Customers and orders. Reads need the view permission (every role), writes the add/change permission
(analyst and admin); deleting is admin-only (no role below admin holds delete permissions)."""

from __future__ import annotations

from rest_framework import viewsets

from resonanz.accounts.api.common import ApiListMixin
from resonanz.customers.api.filters import CustomerFilter, OrderFilter
from resonanz.customers.api.serializers import CustomerSerializer, OrderSerializer
from resonanz.customers.models import Customer, Order


class CustomerViewSet(ApiListMixin, viewsets.ModelViewSet):
    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ["created_at", "updated_at", "name", "external_id", "country", "region"]
    ordering = ["-created_at", "-id"]


class OrderViewSet(ApiListMixin, viewsets.ModelViewSet):
    queryset = Order.objects.select_related("customer", "channel")
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["ordered_at", "amount", "external_id", "items_count"]
    ordering = ["-ordered_at", "-id"]
