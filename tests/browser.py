"""Browser tests drive Debian's Chromium through Playwright; Playwright never downloads one."""

import os
from contextlib import contextmanager

from django.test import Client
from playwright.sync_api import sync_playwright

from tests.login import force_login_verified

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}


@contextmanager
def chromium(live_server, settings):
    """Yield ``open_page(user, **context_options)``: a page logged in as ``user`` (or anonymous)."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # The suite runs with DEBUG off, which makes the cookies Secure; the live server is http.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts = []

        def open_page(user, **context_options):
            """A page logged in as ``user`` (second step done), or anonymous for None."""
            options = {"base_url": live_server.url, "locale": "nl-NL", **context_options}
            context = browser.new_context(**options)
            contexts.append(context)
            if user is not None:
                client = Client()
                force_login_verified(client, user)
                context.add_cookies(
                    [
                        {
                            "name": "sessionid",
                            "value": client.cookies["sessionid"].value,
                            "url": live_server.url,
                        }
                    ]
                )
            return context.new_page()

        try:
            yield open_page
        finally:
            for context in contexts:
                context.close()
            browser.close()


class Interactions:
    """Counts what a user does on a page: each click, fill, select and key press is one."""

    def __init__(self, page):
        self.page = page
        self.log: list[str] = []

    @property
    def count(self) -> int:
        return len(self.log)

    def click(self, selector: str) -> None:
        self.log.append(f"click {selector}")
        self.page.click(selector)

    def fill(self, selector: str, value: str) -> None:
        self.log.append(f"fill {selector}")
        self.page.fill(selector, value)

    def select(self, selector: str, value: str) -> None:
        self.log.append(f"select {selector}")
        self.page.select_option(selector, value)

    def press(self, key: str) -> None:
        self.log.append(f"press {key}")
        self.page.keyboard.press(key)

    def __str__(self) -> str:
        return f"{self.count} interactions: {', '.join(self.log)}"


def log_in_again_from(link, username: str, password: str):
    """Follow a "log in again (new tab)" link: log in on the tab it opens and return that tab,
    back on the page its ``next`` names. The page with the link keeps what was entered on it."""
    with link.page.context.expect_page() as new_tab:
        link.click()
    login = new_tab.value
    login.fill("#id_username", username)
    login.fill("#id_password", password)
    with login.expect_navigation():
        login.press("#id_password", "Enter")
    return login
