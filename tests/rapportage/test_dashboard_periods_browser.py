"""Choosing a calendar year on the reach dashboard through the rendered form, in a real
Chromium."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_project_leader_chooses_a_calendar_year_through_the_form(open_page, lisa, reach_world):
    page = open_page(lisa, viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/rapportage/")

    page.select_option("#id_periode", label="Kalenderjaar")
    page.select_option("#id_kalenderjaar", label="2025")
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_load_state()

    heading = page.locator("h1").inner_text()
    assert heading == "Bereikcijfers 1 januari 2025 tot en met 31 december 2025"
    assert "periode=kalenderjaar" in page.url and "kalenderjaar=2025" in page.url
    assert page.locator("#id_periode").input_value() == "kalenderjaar"
    assert "Cijfers van" in page.locator("#counted-at").inner_text()
    labels = page.evaluate(
        "Chart.getChart(document.getElementById('chart-months')).data.datasets.map((d) => d.label)"
    )
    assert labels == ["2025"]
    months = page.evaluate("Chart.getChart(document.getElementById('chart-months')).data.labels")
    assert months[0] == "Jan 2025" and months[-1] == "Dec 2025"
    xlsx = page.get_by_role("link", name="Download voor Excel (XLSX)").get_attribute("href")
    assert "periode=kalenderjaar" in xlsx and "kalenderjaar=2025" in xlsx
    assert errors == []
