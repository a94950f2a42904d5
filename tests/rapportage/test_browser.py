"""The dashboard in a real Chromium: the vendored Chart.js draws the three charts."""

import os

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(open_page, lisa):
    return open_page(lisa, viewport={"width": 1280, "height": 900})


def test_the_three_charts_are_drawn_without_errors(page, reach_world):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and "favicon" not in response.url
            and errors.append(f"{response.status} {response.url}")
        ),
    )

    page.goto("/rapportage/?schooljaar=2024/2025")

    for chart in ("chart-schools", "chart-themes", "chart-months"):
        drawn = page.evaluate(f"Chart.getChart(document.getElementById('{chart}')) !== undefined")
        assert drawn, chart
    labels = page.evaluate("Chart.getChart(document.getElementById('chart-schools')).data.labels")
    assert labels == ["De Schakel", "Joannes XXIII", "OBO Spoorzicht"]
    if os.environ.get("REACH_SCREENSHOT"):
        page.screenshot(path=os.environ["REACH_SCREENSHOT"], full_page=True)
    assert errors == []


def test_the_theme_chart_shows_every_theme_label(page, reach_world):
    page.goto("/rapportage/?schooljaar=2024/2025")

    labels = page.evaluate("Chart.getChart(document.getElementById('chart-themes')).data.labels")
    ticks = page.evaluate(
        "Chart.getChart(document.getElementById('chart-themes')).scales.y.ticks.map(t => t.label)"
    )
    assert len(labels) > 1
    assert ticks == labels
