"""Real-browser checks of login, htmx filtering, the customer timeline and the language switch."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.browser
T0 = datetime(2025, 6, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_login_shows_error_for_wrong_password_and_lands_on_overview(page, make_user, password):
    make_user("viewer", "erika")
    page.goto("/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "erika")
    page.fill("input[name=password]", "falsch")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text().strip() == "Benutzername oder Passwort ist falsch."
    page.fill("input[name=username]", "erika")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("h1").inner_text() == "Übersicht"


def test_feedback_filters_update_results_via_htmx_and_the_url(page, login_as, make_feedback):
    login_as("viewer")
    make_feedback(text="Die Lieferung kam pünktlich", channel="email")
    make_feedback(text="Chat-Beratung war hilfreich", channel="chat")
    make_feedback(text="Chat hat lange gedauert", channel="chat")
    page.goto("/feedback/")
    assert page.locator("#result-count").inner_text() == "3 Feedbacks"
    page.evaluate("window.__noReload = true")
    page.select_option("#id_channel", "chat")
    page.wait_for_function("location.search === '?channel=chat'")
    page.wait_for_function("document.querySelector('#result-count').innerText.startsWith('2')")
    assert "pünktlich" not in page.locator("#results").inner_text()
    page.fill("#id_q", "hilfreich")
    page.wait_for_function("location.search.includes('q=hilfreich')")
    page.wait_for_function("document.querySelector('#result-count').innerText.startsWith('1')")
    assert "Chat-Beratung war hilfreich" in page.locator("#results").inner_text()
    assert page.evaluate("window.__noReload") is True  # swapped by htmx, not a full page load


def test_customer_timeline_shows_event_order_and_feedback_in_time_order(page, login_as, make_customer,
                                                                      make_event, make_order, make_feedback):
    login_as("viewer")
    c = make_customer(name="Erika Muster")
    make_event(customer=c, occurred_at=T0, type="store_visit", touchpoint="store_advice")
    make_order(customer=c, ordered_at=T0 + timedelta(days=1), amount="79.90")
    make_feedback(customer=c, received_at=T0 + timedelta(days=3), nps=9, text="Sehr gute Beratung")
    page.goto(f"/customers/{c.pk}/")
    items = page.locator("#timeline li.tl-item")
    assert items.count() == 3
    assert [items.nth(i).get_attribute("data-kind") for i in range(3)] == ["feedback", "order", "event"]
    assert "Sehr gute Beratung" in items.nth(0).inner_text()
    assert "79,90 EUR" in items.nth(1).inner_text()
    assert "store_visit" in items.nth(2).inner_text()


def test_language_switch_to_english(page, login_as):
    login_as("viewer")
    page.goto("/feedback/")
    assert page.locator("nav.mainnav").inner_text().split()[0] == "Übersicht"
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    nav = page.locator("nav.mainnav").inner_text()
    assert "Overview" in nav and "Customers" in nav
    assert page.url.endswith("/feedback/")


def test_customer_timeline_load_more_appends_older_items(page, login_as, make_customer, make_event):
    login_as("viewer")
    c = make_customer()
    for i in range(55):
        make_event(customer=c, occurred_at=T0 + timedelta(minutes=i), type=f"typ{i:02d}")
    page.goto(f"/customers/{c.pk}/")
    assert page.locator("#timeline li.tl-item").count() == 50
    page.click("#timeline li.load-more a")
    page.wait_for_function("document.querySelectorAll('#timeline li.tl-item').length === 55")
    assert page.locator("#timeline li.load-more").count() == 0
    assert page.locator("#timeline li.tl-item").last.inner_text().count("typ00") == 1
