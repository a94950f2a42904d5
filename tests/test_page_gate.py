"""The accessibility and layout gate: every page of every role, opened in Chromium on demo data.

The pages come from the URL permission table (``tests/<app>/url_permissions.py``): every GET row
a role may open (200) is visited as that role, and every public row anonymously, so a new URL
joins the gate when it gets its row. The admin's pages come from its model registry. Each page
is checked by axe-core (bundled in ``axe-playwright-python``) for WCAG 2.1 A and AA, allowing no
critical or serious violation, and must fit the window at 390, 820 and 1280 px.
"""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from familieschool.constants import Role
from familieschool.models import Family, PartnerOrganisation, User
from tests.permission_table import ROLES
from tests.test_url_permissions import ROWS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (390, 820, 1280)
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"critical", "serious"}
WIDTH_DEPENDENT_RULES = ["scrollable-region-focusable"]
# Violations in the admin that come from Django's own admin JavaScript, not from this project:
# (URL prefix, axe rule) and the reason. Everything else in the admin is held to the gate.
ADMIN_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("/beheer/", "aria-prohibited-attr"): (
        "SelectFilter2.js (filter_horizontal) puts aria-label on the decorative search icon "
        "span; the filter input beside it has its own label, so nothing is left unnamed."
    ),
    ("/beheer/", "aria-input-field-name"): (
        "the autocomplete widget (Django's bundled select2) draws its combobox without a name; "
        "the labelled <select> it replaces still carries the value."
    ),
}


OVERFLOW = """() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(
    () => resolve(document.documentElement.scrollWidth - document.documentElement.clientWidth))))"""
# The innermost elements that reach past the window's right edge (or left edge, right to left),
# for the failure message.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || (box.right <= width + 1 && box.left >= -1)) continue;
    let clipped = false;  // inside a box that scrolls or clips: not what widens the page
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") { clipped = true; break; }
    }
    if (clipped) continue;
    if ([...el.children].some(child => {
      const b = child.getBoundingClientRect();
      return b.width > 0 && (b.right > width + 1 || b.left < -1);
    })) continue;
    out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim()
      .split(/\\s+/).join(".") : "") + " «" + (el.textContent || "").trim().slice(0, 30) + "»");
    if (out.length === 3) break;
  }
  return out.join(", ");
}"""


@dataclass
class Problem:
    role: str
    url: str
    what: str

    def __str__(self):
        return f"{self.role:15} {self.url}: {self.what}"


def demo_world() -> SimpleNamespace:
    """The demo data, shaped like the permission table's world: one user per role, objects."""
    call_command("seed_demo", verbosity=0)
    users = {role: User.objects.get(role=role, username__in=_demo_usernames()) for role in ROLES}
    school = users[Role.COORDINATOR].schools.order_by("name").first()
    family = Family.objects.filter(school=school, parents__isnull=False).order_by("code").first()
    objects = SimpleNamespace(
        school=school,
        family=family,
        parent=family.parents.order_by("pk").first(),
        partner=users[Role.PARTNER].organisation or PartnerOrganisation.objects.first(),
    )
    return SimpleNamespace(users=users, objects=objects)


def _demo_usernames():
    from familieschool.demo import DEMO_USERS

    return [username for username, *_ in DEMO_USERS]


def table_urls(world, role: Role | None) -> list[str]:
    """The GET pages of the permission table that ``role`` (None: anonymous) may open."""
    urls = []
    for row in ROWS:
        if row.method != "get" or row.name.startswith("admin:"):
            continue
        # A public page looks the same to everyone: the anonymous walk covers it.
        if (role is None) != (row.anonymous == 200):
            continue
        status = row.anonymous if role is None else row.expect[role]
        if status != 200:
            continue
        kwargs = row.kwargs(world) if row.kwargs else {}
        url = reverse(row.name, kwargs=kwargs)
        urls.append(f"{url}?{row.query}" if row.query else url)
        if role is None and row.query:
            urls.append(url)  # the public page also in the language the browser asks for
    return urls


def admin_urls() -> list[str]:
    """The admin's index, each app's index, and each model's list, add and first change page."""
    urls = [reverse("admin:index")]
    request = _AdminRequest()
    apps = set()
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        apps.add(meta.app_label)
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            urls.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            )
    urls += [reverse("admin:app_list", args=[label]) for label in sorted(apps)]
    return urls


class _AdminRequest:
    """Enough of a request for ``ModelAdmin.get_queryset``, which only reads the user."""

    def __init__(self):
        self.user = User.objects.filter(is_superuser=True).first()


def check_page(page, axe, url, role_label, problems, exceptions=None):
    """Open ``url``; record axe violations and overflow at each width in ``problems``."""
    head = page.request.get(url, max_redirects=0)
    content_type = head.headers.get("content-type", "")
    if head.status != 200:
        problems.append(Problem(role_label, url, f"status {head.status}"))
        return
    if not content_type.startswith("text/html"):
        return  # a feed, a download or plain text: nothing to lay out
    page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
    page.goto(url)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(OVERFLOW)
        # Charts follow a new width a few frames later (ResizeObserver); on a busy machine give
        # them up to a second before calling the page too wide.
        for _ in range(4):
            if overflow <= 0:
                break
            page.wait_for_timeout(250)
            overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            culprits = page.evaluate(STICKING_OUT)
            problems.append(
                Problem(role_label, url, f"{overflow}px too wide at {width}px: {culprits}")
            )
        # The whole rule set at the widest window; at the others only the rules whose outcome
        # depends on the width (a table that scrolls there must be reachable by keyboard).
        if width == WIDTHS[-1]:
            run_only = {"type": "tag", "values": WCAG_21_AA}
        else:
            run_only = {"type": "rule", "values": WIDTH_DEPENDENT_RULES}
        results = axe.run(page, options={"runOnly": run_only, "resultTypes": ["violations"]})
        for violation in results.response["violations"]:
            if violation["impact"] not in BLOCKING:
                continue
            if exceptions and any(
                url.startswith(prefix) and violation["id"] == rule for prefix, rule in exceptions
            ):
                continue
            targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
            problems.append(
                Problem(
                    role_label,
                    url,
                    f"axe {violation['id']} ({violation['impact']}) at {width}px: "
                    f"{', '.join(targets)}",
                )
            )


def walk(open_page, live_server, world, role: Role | None) -> list[Problem]:
    axe = Axe()
    problems: list[Problem] = []
    if role is None:
        page = open_page(None)
        urls = table_urls(world, None)
        label = "anonymous"
    else:
        page = open_page(world.users[role])
        urls = table_urls(world, role)
        if role == Role.ADMINISTRATOR:
            urls += admin_urls()
        label = role.value
    exceptions = ADMIN_EXCEPTIONS if role == Role.ADMINISTRATOR else None
    import time

    for url in dict.fromkeys(urls):
        t = time.monotonic()
        check_page(page, axe, url, label, problems, exceptions)
        print(f"TIME {time.monotonic() - t:.2f} {url}")
    return problems


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*(role.value for role in ROLES), "anonymous"])
def test_every_page_passes_axe_and_fits_the_window(open_page, live_server, role):
    world = demo_world()
    problems = walk(open_page, live_server, world, role)
    assert problems == [], "\n" + "\n".join(str(problem) for problem in problems)


def test_the_menu_shows_in_full_on_a_tablet_and_folds_away_on_a_phone(open_page, alice):
    page = open_page(alice, viewport={"width": 820, "height": 1000})
    page.goto(reverse("servicepunt:walkin"))

    links = page.locator("#main-nav .nav-link")
    assert links.count() >= 5
    assert page.locator(".navbar-toggler").is_hidden()
    assert all(links.nth(i).is_visible() for i in range(links.count()))

    page.set_viewport_size({"width": 390, "height": 800})
    assert page.locator(".navbar-toggler").is_visible()
    assert links.first.is_hidden()
