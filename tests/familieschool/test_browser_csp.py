"""Under the strict Content-Security-Policy the pages still work in a real Chromium."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.activiteiten.factories import ActivityFactory
from tests.familieschool.factories import PASSWORD
from tests.familieschool.test_second_factor import code_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def watch(page) -> list[str]:
    """Collect CSP violations, script errors and failed requests of ``page``."""
    problems = []
    page.on(
        "console",
        lambda message: (
            message.type in ("error", "warning")
            # Failed requests are caught below with their URL (the favicon is allowed to miss).
            and not message.text.startswith("Failed to load resource")
            and problems.append(f"console {message.type}: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and "favicon" not in response.url
            and problems.append(f"{response.status} {response.url}")
        ),
    )
    return problems


def visit(page, problems, url):
    response = page.goto(url)
    page.wait_for_load_state("load")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert problems == [], f"{url}: {problems}"


def test_coordinator_pages_raise_no_csp_violation(open_page, alice, school_a, parent_a):
    page = open_page(alice)
    problems = watch(page)
    activity = ActivityFactory(school=school_a)
    for url in [
        "/servicepunt/",
        f"/servicepunt/gezinnen/{parent_a.family_id}/",
        "/servicepunt/contacten/",
        "/activiteiten/",
        f"/activiteiten/{activity.pk}/",
        f"/activiteiten/publiek/{school_a.slug}/",
        f"/activiteiten/publiek/{school_a.slug}/poster/",
    ]:
        visit(page, problems, url)
    visit(page, problems, f"/activiteiten/{activity.pk}/aanwezig/2024-10-08/")
    # The attendance page's script ran: it marks the document as scripted.
    assert "js" in page.evaluate("document.documentElement.className")


def test_the_walkin_family_search_works_under_the_policy(open_page, alice, parent_a):
    page = open_page(alice)
    problems = watch(page)
    visit(page, problems, "/servicepunt/")
    # The moved stylesheet applies: the search results box scrolls within 16rem.
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.family-results') || document.body).overflowY"
    ) in ("auto", "visible")
    assert problems == []


def test_partner_calendar_field_selects_itself_without_an_inline_handler(open_page, pam):
    pam.renew_calendar_token()
    page = open_page(pam)
    problems = watch(page)
    visit(page, problems, "/partners/")
    visit(page, problems, "/partners/agenda/")
    page.focus("#feed-url")
    selected = page.evaluate(
        "(() => { const f = document.getElementById('feed-url');"
        " return f.selectionEnd - f.selectionStart; })()"
    )
    assert selected == len(page.input_value("#feed-url")) > 0


def test_project_leader_dashboard_and_admin_raise_no_csp_violation(open_page, lisa, adam, alice):
    page = open_page(lisa)
    problems = watch(page)
    visit(page, problems, "/rapportage/")
    visit(page, problems, "/rapportage/vastgelegd/")

    admin_page = open_page(adam)
    admin_problems = watch(admin_page)
    for url in [
        "/beheer/",
        "/beheer/familieschool/user/",
        f"/beheer/familieschool/user/{alice.pk}/change/",
        "/beheer/familieschool/school/add/",
    ]:
        visit(admin_page, admin_problems, url)


def test_a_project_leader_logs_in_and_sets_up_the_second_step(open_page, lisa):
    page = open_page(None)
    problems = watch(page)
    page.goto("/rapportage/")
    page.wait_for_url("**/inloggen/**")
    page.fill("#id_username", "lisa")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/tweede-stap/instellen/**")
    assert page.locator("svg.otp-qr").is_visible()
    device = TOTPDevice.objects.get(user=lisa, confirmed=False)
    page.fill("#id_token", code_for(device))
    page.click("main button[type=submit]")
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="Verder").click()
    page.wait_for_url("**/rapportage/")
    assert page.locator("h1").count() == 1
    assert problems == []
