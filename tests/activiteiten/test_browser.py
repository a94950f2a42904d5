"""The attendance page in a real Chromium on a tablet: a 20-parent coffee morning."""

import datetime
import re
import time
from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as DjangoSession
from playwright.sync_api import expect

from activiteiten.models import Activity, Attendance, Session
from familieschool.middleware import LAST_SEEN
from tests.activiteiten.factories import (
    ActivityFactory,
    ChildrenProgrammeFactory,
    EnrolmentFactory,
    funding_source,
)
from tests.browser import TABLET, log_in_again_from
from tests.familieschool.factories import PASSWORD, FamilyFactory, ParentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TUESDAY = datetime.date(2024, 10, 8)


@pytest.fixture
def page(open_page, alice):
    return open_page(alice, **TABLET)


def test_a_coffee_morning_of_twenty_parents_takes_one_tap_each(page, school_a):
    activity = ActivityFactory(school=school_a)
    last_week = Session.objects.create(activity=activity, date=TUESDAY - datetime.timedelta(7))
    regulars = [
        ParentFactory(family=FamilyFactory(school=school_a), first_name=f"Ouder{n:02d}")
        for n in range(19)
    ]
    Attendance.objects.bulk_create(Attendance(session=last_week, parent=p) for p in regulars)
    newcomer = ParentFactory(
        family=FamilyFactory(school=school_a), first_name="Zeynep", last_name="Kaya"
    )
    taps = []

    def tap(locator):
        taps.append(locator)
        locator.tap()

    page.goto(f"/activiteiten/{activity.pk}/aanwezig/{TUESDAY.isoformat()}/")
    assert not page.get_by_text("Zeynep Kaya").is_visible()
    for parent in regulars:
        tap(page.locator(f"label[for='parent-{parent.pk}']"))
    page.fill("#attendance-search", "zey")
    taps.append("search")
    tap(page.locator(f"label[for='parent-{newcomer.pk}']"))
    for _ in range(3):
        tap(page.locator("[data-step='1']"))
    # 20 ticked and 3 in the headcount: "Present" counts everyone in the room.
    assert page.locator("#present-count").inner_text() == "23"
    assert page.locator(f"#first-{newcomer.pk}").is_checked()
    tap(page.locator("#attendance-form .attendance-bar button[type=submit]"))
    page.wait_for_url(f"**/activiteiten/{activity.pk}/")

    session = Session.objects.get(activity=activity, date=TUESDAY)
    assert session.attendances.count() == 20
    assert list(session.attendances.filter(first_time=True).values_list("parent", flat=True)) == [
        newcomer.pk
    ]
    assert session.anonymous_count == 3
    assert len(taps) == 25


def test_a_parent_ticked_from_the_search_stays_ticked_when_the_search_changes(page, school_a):
    activity = ActivityFactory(school=school_a)
    zeynep = ParentFactory(
        family=FamilyFactory(school=school_a, code="DS0412"), first_name="Zeynep", last_name="Kaya"
    )
    ParentFactory(family=FamilyFactory(school=school_a), first_name="Zeynab", last_name="Ali")
    amal = ParentFactory(family=FamilyFactory(school=school_a), first_name="Amal", last_name="Bakr")
    ParentFactory(family=FamilyFactory(school=school_a, anonymised_at=_now()), first_name="Zeyno")
    hamid = ParentFactory(family=FamilyFactory(school=school_a), first_name="Hamid")
    last_week = Session.objects.create(activity=activity, date=TUESDAY - datetime.timedelta(7))
    Attendance.objects.create(session=last_week, parent=hamid)

    page.goto(f"/activiteiten/{activity.pk}/aanwezig/{TUESDAY.isoformat()}/")
    # The search button is for the page without JavaScript; here the type-ahead searches.
    assert page.locator("#attendance-search-submit").count() == 0
    # Only last week's regular is on the page; the others of the school are searched for.
    assert page.locator(".person-card").count() == 1
    assert page.locator("#others .person-card").count() == 0
    page.locator("#attendance-search").press_sequentially("zeyn", delay=30)
    page.locator(f"label[for='parent-{zeynep.pk}']").tap()
    assert page.locator("#others .person-card").count() == 2
    assert page.locator("#present-count").inner_text() == "1"

    page.fill("#attendance-search", "amal")
    page.locator(f"label[for='parent-{amal.pk}']").wait_for()
    # The ticked match stays; the unticked one made way for the new search's match.
    assert page.locator("#others .person-card .btn-check").evaluate_all(
        "boxes => boxes.map(box => [box.value, box.checked])"
    ) == [[str(zeynep.pk), True], [str(amal.pk), False]]

    page.fill("#attendance-search", "nobody like this")
    page.get_by_text("Niemand gevonden. Voeg hieronder een nieuw gezin toe.").wait_for()
    assert page.locator(f"#parent-{zeynep.pk}").is_checked()
    # A regular found by the search is the card already on the page, marked, not a second box.
    page.fill("#attendance-search", "hamid")
    page.locator(".search-match").wait_for()
    assert page.locator(f"#parent-{hamid.pk}").count() == 1
    assert page.locator(".search-match .btn-check").get_attribute("value") == str(hamid.pk)
    # Enter searches; it does not send the form half-done.
    page.fill("#attendance-search", "ama")
    page.locator("#attendance-search").press("Enter")
    expect(page.locator(f"#parent-{amal.pk}")).to_be_focused()
    page.keyboard.press("Space")
    assert page.locator("#present-count").inner_text() == "2"
    page.locator("#attendance-form .attendance-bar button[type=submit]").tap()
    page.wait_for_url(f"**/activiteiten/{activity.pk}/")

    session = Session.objects.get(activity=activity, date=TUESDAY)
    assert sorted(session.attendances.values_list("parent", "first_time")) == sorted(
        [(zeynep.pk, True), (amal.pk, True)]
    )


def test_without_javascript_a_parent_is_searched_ticked_and_saved(open_page, alice, school_a):
    page = open_page(alice, java_script_enabled=False, **TABLET)
    activity = ActivityFactory(school=school_a)
    hamid = ParentFactory(family=FamilyFactory(school=school_a), first_name="Hamid")
    last_week = Session.objects.create(activity=activity, date=TUESDAY - datetime.timedelta(7))
    Attendance.objects.create(session=last_week, parent=hamid)
    zeynep = ParentFactory(
        family=FamilyFactory(school=school_a), first_name="Zeynep", last_name="Kaya"
    )
    amal = ParentFactory(family=FamilyFactory(school=school_a), first_name="Amal", last_name="Bakr")
    ParentFactory(family=FamilyFactory(school=school_a, anonymised_at=_now()), first_name="Zeyno")
    url = f"/activiteiten/{activity.pk}/aanwezig/{TUESDAY.isoformat()}/"

    page.goto(url)
    assert page.get_by_text("Zeynep Kaya").count() == 0
    # Ticked and counted before searching: the search must not lose them.
    page.locator(f"label[for='parent-{hamid.pk}']").tap()
    page.fill("input[name=anonymous_count]", "2")
    page.fill("#attendance-search", "zeyn")
    page.locator("#attendance-search-submit").tap()
    page.locator(f"label[for='parent-{zeynep.pk}']").wait_for()

    # The page came back with the match (not the anonymised family's parent), saved nothing,
    # and the name is in no address.
    assert page.url.endswith(url) and "zeyn" not in page.url.lower()
    assert page.locator("#others .person-card").count() == 1
    assert not Session.objects.filter(date=TUESDAY).exists()
    expect(page.locator(f"#parent-{hamid.pk}")).to_be_checked()
    expect(page.locator("input[name=anonymous_count]")).to_have_value("2")
    expect(page.locator(f"#first-{zeynep.pk}")).to_be_checked()
    page.locator(f"label[for='parent-{zeynep.pk}']").tap()

    # Enter in the search box searches too (it never saves half-done); Zeynep stays ticked.
    page.fill("#attendance-search", "amal")
    page.locator("#attendance-search").press("Enter")
    page.locator(f"label[for='parent-{amal.pk}']").wait_for()
    expect(page.locator(f"#parent-{zeynep.pk}")).to_be_checked()
    expect(page.locator(f"#parent-{hamid.pk}")).to_be_checked()
    expect(page.locator(f"#parent-{amal.pk}")).not_to_be_checked()
    assert not Session.objects.filter(date=TUESDAY).exists()

    page.locator(".attendance-bar button[type=submit]:not([name=search])").tap()
    page.wait_for_url(f"**/activiteiten/{activity.pk}/")

    session = Session.objects.get(activity=activity, date=TUESDAY)
    assert sorted(session.attendances.values_list("parent", "first_time")) == sorted(
        [(hamid.pk, False), (zeynep.pk, True)]
    )
    assert session.anonymous_count == 2


def _now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_the_poster_prints_on_one_a4_page(page, school_a, language):
    import re

    from django.utils import timezone

    start = timezone.localdate().replace(day=1) - datetime.timedelta(days=30)
    for weekday, title in enumerate(["Koffieochtend", "Taalles", "Vadergroep", "Huiswerkklas"]):
        ActivityFactory(school=school_a, title=title, weekday=weekday, valid_from=start)

    page.goto(f"/activiteiten/publiek/{school_a.slug}/poster/?taal={language}")
    pdf = page.pdf(prefer_css_page_size=True)

    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    assert page.locator("svg.qr-code").count() == 1


def test_attendance_of_a_childrens_programme_is_saved_from_the_page(page, school_a):
    programme = ChildrenProgrammeFactory(school=school_a)
    enrolled = EnrolmentFactory(activity=programme).child
    wednesday = datetime.date(2024, 10, 9)

    page.goto(f"/activiteiten/{programme.pk}/aanwezig/{wednesday.isoformat()}/")
    page.locator(f"label[for='child-{enrolled.pk}']").tap()
    page.locator("#attendance-form .attendance-bar button[type=submit]").tap()
    page.wait_for_url(f"**/activiteiten/{programme.pk}/")

    attendance = Attendance.objects.get(session__activity=programme, session__date=wednesday)
    assert attendance.child == enrolled


def test_unticking_the_only_box_of_a_form_is_saved_from_the_page(page, school_a):
    # The enrolment form is one checkbox: unticked, the browser sends only the CSRF token.
    enrolment = EnrolmentFactory(activity__school=school_a, free_of_charge=True)

    page.goto(f"/activiteiten/inschrijving/{enrolment.pk}/")
    assert page.locator("#id_free_of_charge").is_checked()
    page.locator("#id_free_of_charge").uncheck()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/activiteiten/{enrolment.activity_id}/inschrijvingen/")

    enrolment.refresh_from_db()
    assert enrolment.free_of_charge is False


def test_a_coordinator_adds_an_activity_paid_by_two_sources(open_page, alice, school_a):
    bso, fonds = funding_source("School en Omgeving"), funding_source("Fondsen")
    page = open_page(alice)
    page.goto("/activiteiten/nieuw/")
    page.select_option("#id_type", label="Koffieochtend")
    page.fill("#id_title", "Taalcafé")
    page.select_option("#id_weekday", str(datetime.date.today().weekday()))
    page.fill("#id_start_time", "09:00")
    page.fill("#id_end_time", "10:30")
    page.select_option("#id_financiers-0-source", str(bso.pk))
    page.fill("#id_financiers-0-share_pct", "60")
    page.click("#add-funding")
    # The row the button added is focused and filled like the first.
    assert page.evaluate("document.activeElement.id") == "id_financiers-1-source"
    page.select_option("#id_financiers-1-source", str(fonds.pk))
    page.fill("#id_financiers-1-amount", "1200")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_url(re.compile(r".*/activiteiten/\d+/$"))

    activity = Activity.objects.get(title="Taalcafé")
    assert sorted(
        (row.source.name, row.share_pct, row.amount) for row in activity.fundings.all()
    ) == [("Fondsen", None, Decimal("1200")), ("School en Omgeving", Decimal("60"), None)]
    assert "gefinancierd door" in page.content()


def _end_session(page, settings, how):
    """End the page's session on the server: the row deleted, or 31 minutes without a request."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    if how == "deleted":
        DjangoSession.objects.filter(session_key=key).delete()
    else:
        session = SessionStore(key)
        session[LAST_SEEN] = time.time() - (settings.SESSION_IDLE_MINUTES + 1) * 60
        session.save()


@pytest.mark.parametrize("how", ["deleted", "idle"])
def test_a_search_after_the_session_ended_says_so_and_the_ticks_survive_logging_in(
    page, school_a, settings, how
):
    activity = ActivityFactory(school=school_a)
    hamid = ParentFactory(family=FamilyFactory(school=school_a), first_name="Hamid")
    zeynep = ParentFactory(family=FamilyFactory(school=school_a), first_name="Zeynep")
    last_week = Session.objects.create(activity=activity, date=TUESDAY - datetime.timedelta(7))
    Attendance.objects.create(session=last_week, parent=hamid)
    path = f"/activiteiten/{activity.pk}/aanwezig/{TUESDAY.isoformat()}/"
    page.goto(path)
    page.locator(f"label[for='parent-{hamid.pk}']").tap()
    page.fill("#attendance-search", "zey")
    page.locator(f"label[for='parent-{zeynep.pk}']").wait_for()
    page.fill("#attendance-search", "")

    _end_session(page, settings, how)
    page.locator("#attendance-search").press_sequentially("zey", delay=30)

    logged_out = page.locator("#search-logged-out")
    expect(logged_out).to_be_visible()
    assert "Je bent uitgelogd. Log opnieuw in om verder te zoeken" in logged_out.inner_text()
    expect(page.locator("#no-match")).to_be_hidden()
    assert not page.get_by_text("Niemand gevonden").is_visible()
    assert page.locator(f"#parent-{zeynep.pk}").count() == 0
    assert page.locator(f"#parent-{hamid.pk}").is_checked()
    # The login opens in a new tab and comes back to this page; the name typed is in no URL.
    link = logged_out.get_by_role("link", name="Opnieuw inloggen (nieuw tabblad)")
    assert link.get_attribute("href") == f"/inloggen/?next={path}"
    login = log_in_again_from(link, "alice", PASSWORD)
    assert login.url.endswith(path)
    login.close()

    # Logged in again: the search on the first page works again, the tick made before stayed.
    page.fill("#attendance-search", "zeyn")
    page.locator(f"label[for='parent-{zeynep.pk}']").tap()
    expect(logged_out).to_be_hidden()
    assert page.locator("#present-count").inner_text() == "2"
    with page.expect_navigation():
        page.locator("#attendance-form .attendance-bar button[type=submit]").tap()
    # The form still carries the token of the session that ended (a login gives a new one):
    # what she ticked comes back once, to be saved again (familieschool.views.csrf_failure).
    assert page.url.endswith(path)
    assert "wat je had ingevuld staat er nog" in page.inner_text(".messages")
    assert page.locator(f"#parent-{hamid.pk}").is_checked()
    assert page.locator(f"#parent-{zeynep.pk}").is_checked()
    assert not Session.objects.filter(activity=activity, date=TUESDAY).exists()
    page.locator("#attendance-form .attendance-bar button[type=submit]").tap()
    page.wait_for_url(f"**/activiteiten/{activity.pk}/")
    session = Session.objects.get(activity=activity, date=TUESDAY)
    assert sorted(session.attendances.values_list("parent", flat=True)) == sorted(
        [hamid.pk, zeynep.pk]
    )


def test_a_search_that_gets_no_answer_says_so_and_not_nobody_found(page, school_a):
    activity = ActivityFactory(school=school_a)
    page.goto(f"/activiteiten/{activity.pk}/aanwezig/{TUESDAY.isoformat()}/")
    page.route("**/zoek/", lambda route: route.abort("connectionreset"))

    page.locator("#attendance-search").press_sequentially("zey", delay=30)

    expect(page.locator("#search-failed")).to_have_text("Zoeken lukt nu niet; probeer het opnieuw.")
    expect(page.locator("#no-match")).to_be_hidden()
    expect(page.locator("#search-logged-out")).to_be_hidden()
