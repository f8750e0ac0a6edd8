"""Small helpers for tests of Resonanz and of code built on it (like ``django.test``): API clients with a token,
aware datetimes from ISO strings."""

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
