"""Shared API plumbing: pagination and ordering used by every list endpoint."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import ProtectedError
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import APIException
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    """``?page=N`` and ``?page_size=M`` (default 50, at most 500)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class StableOrderingFilter(OrderingFilter):
    """``?ordering=field,-other``; always ends with the primary key so that pages never overlap."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> list[str] | None:
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        ordering = list(ordering)
        unique = {"id", "pk", queryset.model._meta.pk.name}
        if not any(f.lstrip("-") in unique for f in ordering):
            ordering.append("-pk" if ordering[-1].startswith("-") else "pk")
        return ordering


FILTER_BACKENDS = [DjangoFilterBackend, StableOrderingFilter]


class PayloadTooLarge(APIException):
    status_code = 413
    default_detail = "Request body too large."
    default_code = "payload_too_large"


class ApiListMixin:
    """Pagination, django-filter and ordering for a (model) viewset; an oversized body is a JSON 413."""

    pagination_class = ApiPagination
    filter_backends = FILTER_BACKENDS

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            exc = PayloadTooLarge(f"Request body too large: at most {limit} bytes are accepted.")
        return super().handle_exception(exc)  # type: ignore[misc]


class Conflict(APIException):
    status_code = 409
    default_detail = "Conflict."
    default_code = "conflict"


class ProtectedDestroyMixin:
    """DELETE of a row other rows still refer to (``on_delete=PROTECT``) answers 409 instead of a 500."""

    def perform_destroy(self, instance: Any) -> None:
        try:
            instance.delete()
        except ProtectedError as exc:
            n = len(exc.protected_objects)
            raise Conflict(f"Still in use by {n} other object(s); deactivate or reassign them first.") from exc
