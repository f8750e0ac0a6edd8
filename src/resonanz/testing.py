"""Small helpers for tests of Resonanz and of code built on it (like ``django.test``): API clients with a token,
aware datetimes from ISO strings, the OpenAPI schema of some apps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def token_client(user: Any) -> APIClient:
    """An API client authenticated with the user's token (created on first use)."""
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def dt(s: str) -> datetime:
    """An aware datetime (server time zone) from an ISO string."""
    return timezone.make_aware(datetime.fromisoformat(s))


def api_schema(modules: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The OpenAPI schema of the API routes of ``modules`` (app names) and drf-spectacular's warnings and errors
    while generating it (empty when the views describe themselves fully)."""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS, reset_generator_stats
    from drf_spectacular.generators import SchemaGenerator

    patterns = [path("api/v1/", include(f"resonanz.{m}.api.urls")) for m in modules]
    reset_generator_stats()
    try:
        schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
        problems = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    finally:
        reset_generator_stats()
    return schema, problems
