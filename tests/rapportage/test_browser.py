"""The dashboard in a real Chromium: the vendored Chart.js draws the three charts."""

import os

import pytest
from django.test import Client
from playwright.sync_api import sync_playwright

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.fixture
def page(live_server, settings, lisa):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    client = Client()
    client.force_login(lisa)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="nl-NL"
        )
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


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
