"""Shared pytest fixtures: a user and a logged-in client per role, and small data factories.

Reference data (stages, channels, touchpoints, feedback sources) comes from the data migrations, so every
test database has it. Factories take keyword arguments and fill sensible defaults.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

PASSWORD = "test-Passw0rd!"  # noqa: S105
_seq = itertools.count(1)


@pytest.fixture
def password() -> str:
    """The password of every user made by ``make_user``."""
    return PASSWORD


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    """``make_user("viewer")`` → a user with that role (password ``PASSWORD``); ``role=None`` → no role."""
    from django.contrib.auth import get_user_model

    from resonanz.accounts.services import user_create

    def make(role: str | None, username: str | None = None) -> Any:
        username = username or f"{role or 'norole'}-{next(_seq)}"
        if role is None:
            return get_user_model().objects.create_user(username=username, password=PASSWORD)
        user, _ = user_create(username=username, role=role, password=PASSWORD)
        return user

    return make


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def viewer(make_user: Callable[..., Any]) -> Any:
    return make_user("viewer", "viewer")


@pytest.fixture
def agent(make_user: Callable[..., Any]) -> Any:
    return make_user("agent", "agent")


@pytest.fixture
def analyst(make_user: Callable[..., Any]) -> Any:
    return make_user("analyst", "analyst")


@pytest.fixture
def admin(make_user: Callable[..., Any]) -> Any:
    return make_user("admin", "admin")


@pytest.fixture
def norole(make_user: Callable[..., Any]) -> Any:
    return make_user(None, "norole")


@pytest.fixture
def viewer_client(viewer: Any) -> Client:
    return _client_for(viewer)


@pytest.fixture
def agent_client(agent: Any) -> Client:
    return _client_for(agent)


@pytest.fixture
def analyst_client(analyst: Any) -> Client:
    return _client_for(analyst)


@pytest.fixture
def admin_role_client(admin: Any) -> Client:
    return _client_for(admin)


@pytest.fixture
def norole_client(norole: Any) -> Client:
    return _client_for(norole)


@pytest.fixture
def analyst_api(analyst: Any) -> Any:
    """REST API client with the analyst's token."""
    from resonanz.testing import token_client

    return token_client(analyst)


@pytest.fixture
def viewer_api(viewer: Any) -> Any:
    """REST API client with the viewer's token."""
    from resonanz.testing import token_client

    return token_client(viewer)


# ---------------------------------------------------------------------------------------------- factories


@pytest.fixture
def make_customer(db: None) -> Callable[..., Any]:
    from resonanz.customers.models import Customer

    def make(**kw: Any) -> Customer:
        n = next(_seq)
        kw.setdefault("external_id", f"K{n:06d}")
        kw.setdefault("name", f"Kunde {n}")
        kw.setdefault("created_at", timezone.now())
        return Customer.objects.create(**kw)

    return make


@pytest.fixture
def make_feedback(db: None) -> Callable[..., Any]:
    from resonanz.feedback.models import Feedback, FeedbackSource
    from resonanz.journeys.models import Channel, Touchpoint

    def make(**kw: Any) -> Feedback:
        n = next(_seq)
        for key, model in (("source", FeedbackSource), ("channel", Channel), ("touchpoint", Touchpoint)):
            if isinstance(kw.get(key), str):
                kw[key] = model.objects.get(code=kw[key])
        kw.setdefault("source", FeedbackSource.objects.get(code="nps_survey"))
        kw.setdefault("received_at", timezone.now())
        kw.setdefault("text", f"Feedback Nummer {n}")
        kw.setdefault("dedupe_key", f"test-{n}")
        return Feedback.objects.create(**kw)

    return make


@pytest.fixture
def make_order(db: None) -> Callable[..., Any]:
    from resonanz.customers.models import Order

    def make(*, customer: Any, ordered_at: datetime | None = None, amount: str | Decimal = "10.00",
             **kw: Any) -> Order:
        n = next(_seq)
        return Order.objects.create(
            external_id=kw.pop("external_id", f"O{n:07d}"), customer=customer,
            ordered_at=ordered_at or timezone.now(), amount=Decimal(str(amount)), **kw,
        )

    return make


@pytest.fixture
def make_event(db: None) -> Callable[..., Any]:
    from resonanz.journeys.models import Event, Touchpoint

    def make(*, customer: Any, occurred_at: datetime | None = None, type: str = "page_view", **kw: Any) -> Event:
        n = next(_seq)
        if isinstance(kw.get("touchpoint"), str):
            kw["touchpoint"] = Touchpoint.objects.select_related("stage").get(code=kw["touchpoint"])
        if kw.get("touchpoint") is not None:
            kw.setdefault("stage", kw["touchpoint"].stage)
        return Event.objects.create(
            external_id=kw.pop("external_id", f"E{n:07d}"), customer=customer,
            occurred_at=occurred_at or timezone.now(), type=type, **kw,
        )

    return make


# Every test gets its own analytical store file, so warehouse rows never outlive the database rows they were
# copied from (ids are reused after a rollback).
@pytest.fixture(autouse=True)
def _isolated_warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    if "/core/" in str(request.node.path):  # the framework-free core never touches the warehouse
        yield
        return
    settings = request.getfixturevalue("settings")
    from resonanz.insights.warehouse import warehouse_reset

    settings.RESONANZ_WAREHOUSE_PATH = str(tmp_path / "warehouse.duckdb")  # type: ignore[attr-defined]
    warehouse_reset()
    yield
    warehouse_reset()
