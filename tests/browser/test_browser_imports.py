"""Real-browser import: a bad file shows the specific row errors; a good file's rows reach the feedback list.

Written against the import pages of resonanz.imports (/imports/new/ → preview with mapping → result page).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
HEADER = "external_id;received_at;nps;text;channel\n"
COLUMNS = ["external_id", "received_at", "nps", "text", "channel"]


def upload(page, tmp_path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    page.goto("/imports/new/")
    page.select_option("#id_kind", "feedback")
    page.set_input_files("#id_file", str(path))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/preview/")
    for i, column in enumerate(COLUMNS):  # map explicitly: the test must not depend on the suggestions
        page.select_option(f"#id_col_{i}", column)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#import-status table")


def test_bad_file_shows_the_specific_errors_and_imports_nothing(page, login_as, tmp_path):
    login_as("analyst")
    upload(page, tmp_path, "schlecht.csv", HEADER
           + "A-1;03.05.2025;11;NPS zu hoch;email\n"
           + "A-2;gestern;7;Datum unlesbar;chat\n"
           + "A-3;05.05.2025;9;gültig;email\n")
    status = page.locator("#import-status")
    assert "fehlgeschlagen" in status.inner_text()
    rows = [r.inner_text() for r in page.locator(".errors-table tbody tr").all()]
    nps_error = next(r for r in rows if "nps" in r)
    date_error = next(r for r in rows if "received_at" in r)
    assert nps_error.split("\t")[:3] == ["2", "nps", "11"]
    assert date_error.split("\t")[:3] == ["3", "received_at", "gestern"]
    page.goto("/feedback/")
    assert page.locator("#result-count").inner_text().startswith("0 ")


def test_good_file_rows_appear_in_the_feedback_list(page, login_as, tmp_path):
    login_as("analyst")
    upload(page, tmp_path, "gut.csv", HEADER
           + "B-1;03.05.2025;9;Schnelle Lieferung, danke;email\n"
           + "B-2;2025-05-04 10:30;3;Rücksendung dauert zu lange;chat\n")
    assert "fertig" in page.locator("#import-status").inner_text()
    page.goto("/feedback/")
    assert page.locator("#result-count").inner_text() == "2 Feedbacks"
    text = page.locator("#results").inner_text()
    assert "Schnelle Lieferung, danke" in text and "Rücksendung dauert zu lange" in text
