"""Real-browser checks of the text-analysis pages: the one-click correction in the feedback detail (htmx panel)
and the random-sample quality check feeding the model-quality page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _analysed(make_feedback, text: str):
    from resonanz.analysis.services import feedback_analyze

    fb = make_feedback(text=text)
    feedback_analyze(feedback_ids=[fb.pk])
    fb.refresh_from_db()
    return fb


def test_one_click_correction_swaps_the_panel_in_place(page, login_as, make_feedback):
    from resonanz.analysis.models import Correction

    login_as("analyst")
    fb = _analysed(make_feedback, "Die Lieferung kam zwei Wochen zu spät. <b>Nie wieder!</b>")
    page.goto(f"/feedback/{fb.pk}/")
    panel = page.locator(f"#analysis-panel-{fb.pk}")
    panel.locator("[data-testid=model-sentiment]").wait_for()
    assert panel.locator("[data-testid=model-sentiment]").inner_text() == "negative"
    page.evaluate("window.__noReload = true")
    panel.locator("button[name=value][value=neutral]").click()
    page.locator("[data-testid=human-sentiment]").wait_for()
    assert page.locator("[data-testid=human-sentiment]").inner_text() == "neutral"
    assert page.evaluate("window.__noReload") is True  # the panel was swapped by htmx
    assert "<b>Nie wieder!</b>" in page.locator("main").inner_text()  # the text is shown escaped
    c = Correction.objects.get(feedback=fb)
    assert (c.kind, c.value, c.previous, c.origin) == ("sentiment", "neutral", "negative", "correction")


def test_quality_check_labels_a_random_item_and_the_quality_page_counts_it(page, login_as, make_feedback):
    login_as("analyst")
    fb = _analysed(make_feedback, "Vielen Dank, die Beratung im Laden war hervorragend.")
    page.goto("/analysis/quality/")
    assert "Noch keine Stichprobe geprüft." in page.locator("[data-testid=sample-quality]").inner_text()
    page.click("text=Stichprobe prüfen >> nth=0")
    item = page.locator("[data-testid=review-item]")
    assert "Beratung im Laden" in item.inner_text()
    assert page.locator("[data-testid=model-sentiment]").count() == 0  # blind
    item.locator("button[name=sentiment][value=positive]").click()
    page.locator("[data-testid=review-empty]").wait_for()
    assert "1 Eintrag geprüft" in page.locator("[data-testid=sample-count]").inner_text()
    page.goto("/analysis/quality/")
    sample = page.locator("[data-testid=sample-quality]").inner_text()
    model_right = fb.analysis.sentiment == "positive"
    assert ("100 %" if model_right else "0 %") in sample
