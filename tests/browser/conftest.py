"""Browser test fixtures: real headless Chromium (Debian's /usr/bin/chromium) against pytest-django's
live_server. Skipped cleanly when Chromium or Playwright is missing. Never runs ``playwright install``."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one otherwise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("RESONANZ_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (install Debian's chromium to run browser tests)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def seed_reference_data() -> None:
    """The data migrations' reference data again: transactional tests flush the tables after each test."""
    from resonanz.feedback.defaults import SOURCES
    from resonanz.feedback.models import FeedbackSource
    from resonanz.journeys.defaults import CHANNELS, STAGES, TOUCHPOINTS
    from resonanz.journeys.models import Channel, JourneyStage, Touchpoint

    for pos, (code, de, en, desc_de, desc_en) in enumerate(STAGES):
        JourneyStage.objects.get_or_create(code=code, defaults={
            "name_de": de, "name_en": en, "description_de": desc_de, "description_en": desc_en, "position": pos})
    for code, de, en, online in CHANNELS:
        Channel.objects.get_or_create(code=code, defaults={"name_de": de, "name_en": en, "online": online})
    for code, de, en, stage, channel in TOUCHPOINTS:
        Touchpoint.objects.get_or_create(code=code, defaults={
            "name_de": de, "name_en": en, "stage": JourneyStage.objects.get(code=stage),
            "channel": Channel.objects.get(code=channel)})
    for code, name, kind in SOURCES:
        FeedbackSource.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})


@pytest.fixture
def live(live_server: Any, transactional_db: None) -> Any:
    """The live server with reference data present."""
    seed_reference_data()
    return live_server


@pytest.fixture
def page(browser: Any, live: Any) -> Iterator[Any]:
    context = browser.new_context(locale="de-DE", viewport={"width": 1366, "height": 900}, base_url=live.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login_as(page: Any, live: Any, make_user: Callable[..., Any]) -> Callable[[str], Any]:
    """Log the browser in as a new user of ``role`` (session cookie, no form) and return the user."""
    from django.conf import settings
    from django.test import Client

    def login(role: str) -> Any:
        user = make_user(role)
        client = Client()
        client.force_login(user)
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                                   "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live.url}])
        return user

    return login
