"""The walk-in in a real Chromium: interrupted past the idle timeout, nothing she typed is lost."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as DjangoSession
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from familieschool.middleware import LAST_SEEN
from servicepunt.models import Contact
from tests.browser import TABLET, log_in_again_from
from tests.familieschool.factories import PASSWORD
from tests.familieschool.test_second_factor import code_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NOTE = "Vraagt naar de Stadspas voor drie kinderen."


def test_a_walkin_typed_before_the_idle_timeout_is_saved_after_logging_in_again(
    open_page, alice, school_a, themes, settings
):
    # The second step too, as where a board asks it of coordinators.
    settings.OTP_REQUIRED_FOR_ALL = True
    page = open_page(alice, **TABLET)
    page.goto("/servicepunt/")
    page.click("label[for=id_themes_1]")
    page.fill("#id_note", NOTE)
    # A parent keeps her busy for longer than SESSION_IDLE_MINUTES: her last request lies
    # 31 minutes back when she presses save.
    session_key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key)
    session[LAST_SEEN] = time.time() - (settings.SESSION_IDLE_MINUTES + 1) * 60
    session.save()

    with page.expect_navigation():
        page.click("#walkin-save")

    assert page.url.endswith("/inloggen/?next=/servicepunt/")
    assert "Wat je had ingevuld is 15 minuten bewaard" in page.inner_text(".messages")
    assert not Contact.objects.exists()

    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    device = TOTPDevice.objects.get(user=alice)
    page.fill("#id_token", code_for(device))
    with page.expect_navigation():
        page.press("#id_token", "Enter")

    assert page.url.endswith("/servicepunt/")
    assert "wat je had ingevuld staat er nog" in page.inner_text(".messages")
    assert page.input_value("#id_note") == NOTE
    assert page.is_checked("#id_themes_1")
    assert not Contact.objects.exists()

    with page.expect_navigation():
        page.click("#walkin-save")

    contact = Contact.objects.get()
    assert contact.note == NOTE
    assert contact.created_by == alice
    assert [theme.code for theme in contact.themes.all()] == ["toeslagen"]
    assert page.locator(".alert-success").is_visible()


def test_a_family_search_after_the_session_ended_says_so_not_no_family_found(
    open_page, alice, family_a, parent_a, themes
):
    page = open_page(alice, **TABLET)
    page.goto("/servicepunt/")
    page.click("label[for=id_who_1]")
    page.fill("#id_note", NOTE)
    session_key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    DjangoSession.objects.filter(session_key=session_key).delete()

    page.locator("#id_family_term").press_sequentially("fati", delay=30)

    logged_out = page.locator("#family-search-logged-out")
    expect(logged_out).to_be_visible()
    assert "Je bent uitgelogd. Log opnieuw in om verder te zoeken" in logged_out.inner_text()
    assert not page.get_by_text("Geen gezin gevonden.").is_visible()
    link = logged_out.get_by_role("link", name="Opnieuw inloggen (nieuw tabblad)")
    assert link.get_attribute("href") == "/inloggen/?next=/servicepunt/"
    login = log_in_again_from(link, "alice", PASSWORD)
    login.close()

    # Logged in again in the other tab: the search here finds the family; the note stayed.
    page.fill("#id_family_term", "")
    page.locator("#id_family_term").press_sequentially("fati", delay=30)
    page.wait_for_selector("#family-results [role=option]")
    expect(logged_out).to_be_hidden()
    assert page.input_value("#id_note") == NOTE


def test_a_family_search_that_gets_no_answer_says_so(open_page, alice, family_a, themes):
    page = open_page(alice, **TABLET)
    page.goto("/servicepunt/")
    page.click("label[for=id_who_1]")
    page.route("**/gezinnen/zoeken/", lambda route: route.abort("connectionreset"))

    page.locator("#id_family_term").press_sequentially("fati", delay=30)

    expect(page.locator("#family-search-failed")).to_have_text(
        "Zoeken lukt nu niet; probeer het opnieuw."
    )
    assert not page.get_by_text("Geen gezin gevonden.").is_visible()
