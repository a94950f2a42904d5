"""Screenshots of the walk-in, the partner's week and the dashboard at 390 and 1280 px.

Run ``make screenshots``: it loads the demo data into a throwaway SQLite database, serves the
portal on a free local port, opens each page in Debian's Chromium as the demo user of its role
and writes ``docs/screenshots/<page>-<width>.png``. The README shows two of them.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PAGES = [
    # (file name, demo user, path)
    ("walkin", "coordinator", "/servicepunt/"),
    ("partner-week", "partner", "/partners/"),
    ("dashboard", "projectleider", "/rapportage/"),
]
WIDTHS = (390, 1280)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.mkdtemp(prefix="familieschool-screens-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/demo.sqlite3"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familieschool.settings")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop here

    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test import Client
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from familieschool.models import User
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base_url = f"http://127.0.0.1:{server.port}"

    OUT.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, username, path in PAGES:
                # Signed in the way the browser tests are: a session made on the server side.
                client = Client()
                client.force_login(User.objects.get(username=username))
                context = browser.new_context(base_url=base_url, locale="nl-NL")
                context.add_cookies(
                    [
                        {
                            "name": "sessionid",
                            "value": client.cookies["sessionid"].value,
                            "url": base_url,
                        }
                    ]
                )
                page = context.new_page()
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(path)
                    target = OUT / f"{name}-{width}.png"
                    page.screenshot(path=str(target))
                    print(f"wrote {target.relative_to(ROOT)}")
                context.close()
            browser.close()
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
