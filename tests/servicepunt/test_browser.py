"""The walk-in screen in a real Chromium: an anonymous question in at most five interactions."""

import os

import pytest
from django.test import Client
from playwright.sync_api import sync_playwright

from servicepunt.models import Contact

# Playwright's sync API runs an event loop in this thread; the ORM calls here are synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
MAX_INTERACTIONS = 5


class Interactions:
    """Every click and key press of the test goes through here and is counted."""

    def __init__(self, page):
        self.page = page
        self.log: list[str] = []

    @property
    def count(self) -> int:
        return len(self.log)

    def press(self, key: str) -> None:
        self.log.append(f"press {key}")
        self.page.keyboard.press(key)

    def click(self, selector: str) -> None:
        self.log.append(f"click {selector}")
        self.page.click(selector)


@pytest.fixture
def browser_context(live_server, settings):
    # The suite runs with DEBUG off, which makes the cookies Secure; the live server is http.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # A tablet in landscape.
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1024, "height": 768}, has_touch=True
        )
        try:
            yield context
        finally:
            context.close()
            browser.close()


def logged_in_page(context, live_server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto("/servicepunt/")
    return page


def test_an_anonymous_question_is_saved_in_at_most_five_interactions(
    browser_context, live_server, alice, school_a, themes
):
    page = logged_in_page(browser_context, live_server, alice)
    user = Interactions(page)
    assert page.evaluate("document.activeElement.value") == str(themes["geldzaken"].pk)

    user.press("Space")
    with page.expect_navigation():
        user.press("Enter")

    print(f"\nInteractions: {user.count} ({', '.join(user.log)})")
    assert user.count <= MAX_INTERACTIONS
    contact = Contact.objects.get()
    assert contact.is_anonymous
    assert contact.school == school_a
    assert contact.created_by == alice
    assert [theme.code for theme in contact.themes.all()] == ["geldzaken"]
    assert page.locator(".alert-success").is_visible()
    assert page.locator("#today-contacts tbody tr").count() == 1
    # Ready for the next parent: a fresh form with the focus on the first theme again.
    assert page.evaluate("document.activeElement.name") == "themes"
    assert page.locator("input[name=themes]:checked").count() == 0


def test_a_tablet_user_taps_two_themes_and_save(
    browser_context, live_server, alice, school_a, themes
):
    page = logged_in_page(browser_context, live_server, alice)
    user = Interactions(page)

    user.click("label[for=id_themes_0]")
    user.click("label[for=id_themes_1]")
    with page.expect_navigation():
        user.click("#walkin-save")

    assert user.count <= MAX_INTERACTIONS
    contact = Contact.objects.get()
    assert {theme.code for theme in contact.themes.all()} == {"geldzaken", "toeslagen"}


def test_a_known_family_is_found_by_typing_part_of_a_name(
    browser_context, live_server, alice, family_a, parent_a, themes
):
    page = logged_in_page(browser_context, live_server, alice)
    user = Interactions(page)

    user.press("Space")
    user.click("label[for=id_who_1]")
    page.focus("#id_family_term")
    page.keyboard.type("fati")  # typing is not counted as interactions
    page.wait_for_selector("#family-results [role=option]")
    user.press("Enter")
    assert page.input_value("#id_family") == str(family_a.pk)
    assert page.input_value("#id_parent") == str(parent_a.pk)
    with page.expect_navigation():
        user.press("Control+Enter")

    contact = Contact.objects.get()
    assert (contact.family, contact.parent) == (family_a, parent_a)
    assert user.count <= MAX_INTERACTIONS
