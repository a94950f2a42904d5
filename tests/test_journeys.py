"""Three journeys in a real Chromium, counted interaction by interaction (issue 11).

Each journey starts where the user starts (the walk-in page, the partner's week, the
attendance page), posts only what the page renders, and asserts what was saved.
"""

import datetime

import pytest
from django.utils import timezone

from familieschool.models import Family
from partners.models import Appointment
from partners.selectors import bookable_slots
from servicepunt.constants import ConsentMethod, ReferralStatus
from servicepunt.models import Contact
from tests.browser import Interactions
from tests.partners.factories import SpreekuurFactory
from tests.servicepunt.factories import default_themes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def themes(db):
    return default_themes()


def test_a_new_family_with_a_child_is_referred_and_booked_in_ten_interactions(
    open_page, alice, school_a, themes, partner_p, partner_o
):
    themes["werk"].suggested_partners.add(partner_p)
    themes["opvoeding"].suggested_partners.add(partner_o)
    SpreekuurFactory(
        partner=partner_p,
        school=school_a,
        weekday=(timezone.localdate() + datetime.timedelta(days=1)).weekday(),
        valid_from=timezone.localdate() - datetime.timedelta(days=30),
    )
    SpreekuurFactory(partner=partner_o, school=school_a)
    page = open_page(alice)
    page.goto("/servicepunt/")
    user = Interactions(page)

    werk = page.get_attribute(f"input[name=themes][value='{themes['werk'].pk}']", "id")
    user.click(f"label[for={werk}]")
    user.click("label[for=id_who_2]")
    assert page.input_value("#id_new_family_code") == "DS001"
    user.fill("#id_new_parent_first_name", "Samira")
    user.fill("#id_new_child_first_name", "Yusuf")
    user.select("#id_new_child_group", "g4")
    user.click("label[for=id_outcome_1]")
    with page.expect_navigation():
        user.click("#walkin-save-bottom")
    assert page.input_value("select[name=partner]") == str(partner_p.pk)
    user.click("#id_consent")
    with page.expect_navigation():
        user.click("#referral-save-book")
    first = bookable_slots(partner=partner_p, school=school_a)[0]
    with page.expect_navigation():
        user.click("#book-submit")

    print(f"\n{user}")
    assert user.count <= 10
    family = Family.objects.get(school=school_a)
    assert family.code == "DS001"
    child = family.children.get()
    assert (child.first_name, child.group) == ("Yusuf", "g4")
    contact = Contact.objects.get()
    assert (contact.parent.first_name, contact.child) == ("Samira", child)
    referral = contact.referrals.get()
    assert referral.partner == partner_p
    assert (referral.consent_given_by, referral.consent_method) == ("Samira", ConsentMethod.VERBAL)
    assert referral.status == ReferralStatus.APPOINTMENT_PLANNED
    appointment = Appointment.objects.get(referral=referral)
    assert (appointment.date, appointment.start_time) == (first.occurrence.date, first.times[0])
    assert appointment.theme == themes["werk"]
    assert page.url.endswith(f"/servicepunt/doorverwijzingen/{referral.pk}/")


def test_the_referral_form_suggests_the_partner_of_the_themes_she_chooses(
    open_page, alice, school_a, themes, partner_p, partner_o
):
    from tests.servicepunt.factories import ContactFactory

    themes["geldzaken"].suggested_partners.add(partner_p, partner_o)
    themes["werk"].suggested_partners.add(partner_p)
    themes["opvoeding"].suggested_partners.add(partner_o)
    contact = ContactFactory(school=school_a, themes=[themes["opvoeding"]])
    page = open_page(alice)
    page.goto(f"/servicepunt/contacten/{contact.pk}/doorverwijzen/")
    assert page.input_value("select[name=partner]") == str(partner_o.pk)

    page.click(f"input[name=themes][value='{themes['opvoeding'].pk}']")
    page.click(f"input[name=themes][value='{themes['werk'].pk}']")

    assert page.input_value("select[name=partner]") == str(partner_p.pk)


def test_a_partner_goes_from_her_week_to_the_referrals_status_in_three_interactions(
    open_page, pam, school_a, family_a, parent_a, themes, partner_p
):
    from tests.partners.factories import AppointmentFactory
    from tests.servicepunt.factories import ReferralFactory

    day = timezone.localdate()
    while day.weekday() > 4:
        day += datetime.timedelta(days=1)
    spreekuur = SpreekuurFactory(
        partner=partner_p, school=school_a, weekday=day.weekday(), staff=[pam]
    )
    referral = ReferralFactory(
        contact__school=school_a,
        contact__family=family_a,
        contact__parent=parent_a,
        contact__themes=[themes["werk"]],
        partner=partner_p,
        status=ReferralStatus.APPOINTMENT_PLANNED,
    )
    AppointmentFactory(
        spreekuur=spreekuur,
        date=day,
        start_time=datetime.time(9, 0),
        family=family_a,
        parent=parent_a,
        referral=referral,
        theme=None,
    )
    page = open_page(pam)
    page.goto(f"/partners/?week={day.isoformat()}")
    row = page.locator("tr", has=page.locator(f"a[href$='/partner/{referral.pk}/']")).first
    assert "Werk, opleiding en inkomen" in row.inner_text()
    user = Interactions(page)

    with page.expect_navigation():
        user.click(f"a[href$='/servicepunt/partner/{referral.pk}/'] >> nth=0")
    user.select("select[name=status]", ReferralStatus.IN_PROGRESS)
    with page.expect_navigation():
        user.click("main form button[type=submit]")

    print(f"\n{user}")
    assert user.count <= 3
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IN_PROGRESS
    assert page.url.endswith(f"/servicepunt/partner/{referral.pk}/")


def test_a_coffee_morning_of_five_known_parents_and_three_others_takes_ten_interactions(
    open_page, alice, school_a
):
    from activiteiten.models import Attendance, Session
    from tests.activiteiten.factories import ActivityFactory
    from tests.browser import TABLET
    from tests.familieschool.factories import FamilyFactory, ParentFactory

    today = timezone.localdate()
    activity = ActivityFactory(
        school=school_a, weekday=today.weekday(), valid_from=today - datetime.timedelta(days=60)
    )
    parents = [
        ParentFactory(family=FamilyFactory(school=school_a), first_name=f"Ouder{n}")
        for n in range(8)
    ]
    for weeks in range(1, 4):
        held = Session.objects.create(
            activity=activity, date=today - datetime.timedelta(weeks=weeks)
        )
        Attendance.objects.bulk_create(Attendance(session=held, parent=p) for p in parents)
    page = open_page(alice, **TABLET)
    page.goto(f"/activiteiten/{activity.pk}/")
    user = Interactions(page)

    with page.expect_navigation():
        user.click("#attendance-shortcuts a >> nth=0")
    for parent in parents[:5]:
        user.click(f"label[for='parent-{parent.pk}']")
    for _ in range(3):
        user.click("[data-step='1']")
    assert page.locator("#present-count").inner_text() == "8"
    with page.expect_navigation():
        user.click("#attendance-form .attendance-bar button[type=submit]")

    print(f"\n{user}")
    assert user.count <= 10
    session = Session.objects.get(activity=activity, date=today)
    assert set(session.attendances.values_list("parent", flat=True)) == {p.pk for p in parents[:5]}
    assert session.anonymous_count == 3
