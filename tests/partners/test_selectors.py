from dataclasses import fields
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from familieschool.calendar import closed_days
from familieschool.constants import HolidayRegion, Recurrence, Weekday
from partners import selectors as partner_selectors
from partners.constants import AppointmentStatus
from partners.selectors import (
    PublicSpreekuur,
    appointment_timeline,
    appointments_for,
    bookable_partners,
    bookable_slots,
    calendar_occurrences,
    occurrences_on,
    partner_appointment_row,
    partner_week,
    public_spreekuren,
    referrals_awaiting_appointment,
    school_week,
    slot_times,
    spreekuren_for,
    spreekuur_closed_days,
    spreekuur_occurrences,
)
from servicepunt.constants import ReferralStatus
from tests.familieschool.factories import (
    FamilyFactory,
    ParentFactory,
    SchoolFactory,
    UserFactory,
)
from tests.partners.conftest import MONDAY, NOW
from tests.partners.factories import (
    AppointmentFactory,
    SchoolHolidayFactory,
    SpreekuurCancellationFactory,
    SpreekuurFactory,
)
from tests.servicepunt.factories import ReferralFactory, default_themes

TUESDAY, THURSDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=3)
SUNDAY = MONDAY + timedelta(days=6)


# --- closed days and occurrences -----------------------------------------------------------


def test_closed_days_are_the_regions_holidays_and_the_public_holidays(school_a):
    SchoolHolidayFactory(
        region=HolidayRegion.MIDDLE, start=date(2026, 12, 19), end=date(2027, 1, 3)
    )
    SchoolHolidayFactory(
        region=HolidayRegion.SOUTH, start=date(2026, 12, 12), end=date(2026, 12, 18)
    )
    days = closed_days(school_a, date(2026, 12, 1), date(2027, 1, 10))
    assert date(2026, 12, 19) in days and date(2027, 1, 3) in days
    assert date(2026, 12, 25) in days  # also a public holiday
    assert date(2026, 12, 14) not in days  # the south's holiday
    assert date(2027, 1, 4) not in days
    assert min(days) >= date(2026, 12, 1) and max(days) <= date(2027, 1, 10)


def test_closed_days_of_a_spreekuur_include_its_cancelled_dates(werkwinkel_a, school_a):
    SpreekuurCancellationFactory(spreekuur=werkwinkel_a, date=MONDAY)
    assert MONDAY not in closed_days(school_a, MONDAY, SUNDAY)
    assert MONDAY in spreekuur_closed_days(werkwinkel_a, MONDAY, SUNDAY)


def test_occurrences_skip_holidays_and_mark_cancelled_dates(werkwinkel_a):
    SchoolHolidayFactory(
        region=HolidayRegion.MIDDLE, start=date(2026, 12, 19), end=date(2027, 1, 3)
    )
    SpreekuurCancellationFactory(spreekuur=werkwinkel_a, date=date(2026, 12, 7), reason="Ziek")
    found = spreekuur_occurrences([werkwinkel_a], MONDAY, date(2027, 1, 11))
    assert [o.date for o in found] == [
        date(2026, 11, 30),
        date(2026, 12, 7),
        date(2026, 12, 14),
        date(2027, 1, 4),
        date(2027, 1, 11),
    ]
    assert [o.cancelled for o in found] == [False, True, False, False, False]
    assert found[1].cancellation.reason == "Ziek"
    held = spreekuur_occurrences([werkwinkel_a], MONDAY, date(2027, 1, 11), include_cancelled=False)
    assert date(2026, 12, 7) not in [o.date for o in held]


def test_occurrences_are_in_wall_clock_time_across_the_clock_change(werkwinkel_a):
    before, after = spreekuur_occurrences([werkwinkel_a], date(2026, 10, 19), date(2026, 10, 26))
    assert before.starts_at.hour == after.starts_at.hour == 9
    assert before.starts_at.utcoffset() != after.starts_at.utcoffset()


def test_occurrences_of_several_spreekuren_come_in_date_and_time_order(werkwinkel_a, school_b):
    thursday = SpreekuurFactory(
        partner=werkwinkel_a.partner, school=school_b, weekday=Weekday.THURSDAY
    )
    early_monday = SpreekuurFactory(
        partner=werkwinkel_a.partner, school=school_b, start_time=time(8, 0)
    )
    found = spreekuur_occurrences([thursday, werkwinkel_a, early_monday], MONDAY, SUNDAY)
    assert [o.spreekuur for o in found] == [early_monday, werkwinkel_a, thursday]


# --- slots and booking ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (20, [time(9, 0), time(9, 20), time(9, 40)]),
        (25, [time(9, 0), time(9, 25)]),
        (60, [time(9, 0)]),
        (90, []),
        (None, []),
    ],
)
def test_slots_run_from_start_to_end_in_slot_lengths(werkwinkel_a, minutes, expected):
    werkwinkel_a.slot_minutes = minutes
    assert slot_times(werkwinkel_a) == expected


def test_bookable_slots_leave_out_booked_cancelled_and_full_dates(werkwinkel_a):
    SpreekuurCancellationFactory(spreekuur=werkwinkel_a, date=MONDAY)
    for at in (time(9, 0), time(9, 20), time(9, 40)):
        AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY + timedelta(days=7), start_time=at)
    AppointmentFactory(
        spreekuur=werkwinkel_a, date=MONDAY + timedelta(days=14), start_time=time(9, 20)
    )
    AppointmentFactory(
        spreekuur=werkwinkel_a,
        date=MONDAY + timedelta(days=14),
        start_time=time(9, 40),
        status=AppointmentStatus.CANCELLED,
    )
    options = bookable_slots(partner=werkwinkel_a.partner, school=werkwinkel_a.school, now=NOW)
    assert options[0].occurrence.date == MONDAY + timedelta(days=14)
    assert options[0].times == [time(9, 0), time(9, 40)]
    assert [o.occurrence.date for o in options] == [
        MONDAY + timedelta(days=14),
        MONDAY + timedelta(days=21),
        MONDAY + timedelta(days=28),
        MONDAY + timedelta(days=35),
    ]


def test_bookable_slots_of_today_start_after_now(werkwinkel_a):
    ten_past_nine = timezone.make_aware(timezone.datetime(2026, 11, 30, 9, 10))
    options = bookable_slots(
        partner=werkwinkel_a.partner, school=werkwinkel_a.school, now=ten_past_nine
    )
    assert (options[0].occurrence.date, options[0].times) == (MONDAY, [time(9, 20), time(9, 40)])


def test_bookable_slots_are_those_of_that_partner_at_that_school(werkwinkel_a, partner_o, school_b):
    SpreekuurFactory(partner=partner_o, school=werkwinkel_a.school, weekday=Weekday.TUESDAY)
    SpreekuurFactory(partner=werkwinkel_a.partner, school=school_b, weekday=Weekday.WEDNESDAY)
    options = bookable_slots(partner=werkwinkel_a.partner, school=werkwinkel_a.school, now=NOW)
    assert {o.occurrence.spreekuur for o in options} == {werkwinkel_a}


def test_bookable_partners_have_a_spreekuur_with_times_at_the_school(
    werkwinkel_a, partner_o, school_a
):
    SpreekuurFactory(partner=partner_o, school=school_a, slot_minutes=None)
    assert list(bookable_partners(school_a)) == [werkwinkel_a.partner]


# --- the partner's week --------------------------------------------------------------------


@pytest.fixture
def week_of_pam(werkwinkel_a, partner_p, partner_o, school_a, school_b, family_a, parent_a):
    """Werkwinkel at school A (Monday) and B (Thursday), Buurtteam at school A (Tuesday)."""
    at_b = SpreekuurFactory(partner=partner_p, school=school_b, weekday=Weekday.THURSDAY)
    buurtteam = SpreekuurFactory(partner=partner_o, school=school_a, weekday=Weekday.TUESDAY)
    parent_a.phone, parent_a.email = "0612345678", "fatima@example.org"
    parent_a.save()
    return werkwinkel_a, at_b, buurtteam


def test_the_partner_week_holds_only_the_own_organisations_spreekuren(week_of_pam, pam, otto):
    werkwinkel_a, at_b, buurtteam = week_of_pam
    days = partner_week(user=pam, monday=MONDAY)
    assert [d.date for d in days] == [MONDAY + timedelta(days=n) for n in range(7)]
    assert [[o.spreekuur for o in d.occurrences] for d in days] == [
        [werkwinkel_a],
        [],
        [],
        [at_b],
        [],
        [],
        [],
    ]
    otto_days = partner_week(user=otto, monday=MONDAY)
    assert [o.spreekuur for d in otto_days for o in d.occurrences] == [buurtteam]


def test_an_appointment_without_referral_shows_only_initials(week_of_pam, pam, family_a, parent_a):
    werkwinkel_a = week_of_pam[0]
    AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY, family=family_a, parent=parent_a)
    [row] = partner_week(user=pam, monday=MONDAY)[0].occurrences[0].appointments
    assert row.label == "F.E."
    assert (row.phone, row.email, row.theme, row.via_referral) == ("", "", "", False)
    assert not hasattr(row, "parent") and not hasattr(row, "family")


def test_a_referred_parent_shows_the_first_name_and_contact_details_only_if_shared(
    week_of_pam, pam, referral_a, family_a, parent_a
):
    werkwinkel_a = week_of_pam[0]
    appointment = AppointmentFactory(
        spreekuur=werkwinkel_a,
        date=MONDAY,
        family=family_a,
        parent=parent_a,
        referral=referral_a,
        theme=referral_a.themes.first(),
    )
    [row] = partner_week(user=pam, monday=MONDAY)[0].occurrences[0].appointments
    theme = referral_a.themes.get()
    assert (row.id, row.label, row.theme) == (appointment.pk, "F.E.", theme.name)
    assert (row.phone, row.email) == ("", "")

    referral_a.share_contact_details = True
    referral_a.save()
    [row] = partner_week(user=pam, monday=MONDAY)[0].occurrences[0].appointments
    assert row.label == "Fatima"
    assert (row.phone, row.email) == ("0612345678", "fatima@example.org")
    assert "El Amrani" not in repr(row)


@pytest.mark.parametrize(
    "case", ["no referral", "not shared", "shared", "no theme", "withdrawn", "other partner"]
)
def test_one_appointments_row_is_the_row_of_the_week(
    week_of_pam, pam, referral_a, family_a, parent_a, partner_o, case
):
    # The status page builds its row from the model, the week from values: the same row.
    referral = referral_a
    if case == "other partner":
        referral = ReferralFactory(
            contact__school=referral_a.school, contact__family=family_a, partner=partner_o
        )
    referral.share_contact_details = case != "not shared"
    if case == "withdrawn":
        referral.status = ReferralStatus.WITHDRAWN
    referral.save()
    appointment = AppointmentFactory(
        spreekuur=week_of_pam[0],
        date=MONDAY,
        family=family_a,
        parent=parent_a,
        referral=None if case == "no referral" else referral,
        theme=None if case == "no theme" else referral_a.themes.first(),
    )
    [in_week] = partner_week(user=pam, monday=MONDAY)[0].occurrences[0].appointments
    one = partner_appointment_row(appointments_for(pam).get(pk=appointment.pk), pam.organisation)
    assert one == in_week
    assert one.via_referral == (case in ("not shared", "shared", "no theme"))
    assert one.theme == ("" if not one.via_referral else referral_a.themes.get().name)


def test_an_appointment_without_a_theme_shows_the_themes_of_its_referral(
    week_of_pam, pam, referral_a, family_a, parent_a
):
    themes = sorted(default_themes().values(), key=lambda theme: (theme.sort_order, theme.name))
    referral_a.themes.set([themes[3], themes[1]])
    AppointmentFactory(
        spreekuur=week_of_pam[0],
        date=MONDAY,
        family=family_a,
        parent=parent_a,
        referral=referral_a,
        theme=None,
    )
    [row] = partner_week(user=pam, monday=MONDAY)[0].occurrences[0].appointments
    assert row.theme == f"{themes[1].name}, {themes[3].name}"


def test_a_withdrawn_consent_hides_the_name_again(week_of_pam, pam, referral_a, family_a, parent_a):
    referral_a.share_contact_details = True
    referral_a.status = ReferralStatus.WITHDRAWN
    referral_a.save()
    AppointmentFactory(
        spreekuur=week_of_pam[0], date=MONDAY, parent=parent_a, family=family_a, referral=referral_a
    )
    occurrence = partner_week(user=pam, monday=MONDAY)[0].occurrences[0]
    [row] = occurrence.appointments
    assert (row.label, row.phone, row.theme) == ("F.E.", "", "")
    assert occurrence.referrals == []


def test_the_partner_week_lists_the_open_referrals_of_each_school(
    week_of_pam, pam, referral_a, school_a, school_b, partner_o
):
    closed = ReferralFactory(contact__school=school_a, partner=referral_a.partner)
    closed.status = ReferralStatus.COMPLETED
    closed.save()
    ReferralFactory(contact__school=school_a, partner=partner_o)  # to the Buurtteam
    at_b = ReferralFactory(contact__school=school_b, partner=referral_a.partner)
    days = partner_week(user=pam, monday=MONDAY)
    monday_at_a, thursday_at_b = days[0].occurrences[0], days[3].occurrences[0]
    assert [r.id for r in monday_at_a.referrals] == [referral_a.pk]
    assert monday_at_a.referrals[0].label == "F.E."
    assert monday_at_a.referrals[0].themes == [referral_a.themes.get().name]
    assert [r.id for r in thursday_at_b.referrals] == [at_b.pk]

    referral_a.share_contact_details = True
    referral_a.save()
    monday_at_a = partner_week(user=pam, monday=MONDAY)[0].occurrences[0]
    assert monday_at_a.referrals[0].label == "Fatima"


def test_the_partner_weeks_referral_rows_hold_themes_in_order_and_details_only_when_shared(
    week_of_pam, pam, referral_a, parent_a, school_a
):
    themes = sorted(default_themes().values(), key=lambda theme: (theme.sort_order, theme.name))
    referral_a.themes.set([themes[2], themes[0]])
    parent_a.phone, parent_a.email = "0612345678", "fatima@example.org"
    parent_a.save()
    without_parent = ReferralFactory(contact__school=school_a, partner=referral_a.partner)
    without_parent.parent = None
    without_parent.save()

    shared, unnamed = partner_week(user=pam, monday=MONDAY)[0].occurrences[0].referrals
    assert shared.id == referral_a.pk and unnamed.id == without_parent.pk
    assert shared.themes == [themes[0].name, themes[2].name]
    assert (shared.label, shared.phone, shared.email) == ("F.E.", "", "")
    assert unnamed.label == "Ouder (geen naam vastgelegd)" and unnamed.phone == ""

    referral_a.share_contact_details = True
    referral_a.save()
    shared = partner_week(user=pam, monday=MONDAY)[0].occurrences[0].referrals[0]
    assert (shared.label, shared.phone, shared.email) == (
        "Fatima",
        "0612345678",
        "fatima@example.org",
    )


def test_the_partner_week_lists_only_the_newest_open_referrals_of_a_school(
    week_of_pam, pam, referral_a, school_a, monkeypatch
):
    monkeypatch.setattr(partner_selectors, "WEEK_REFERRALS_PER_SCHOOL", 2)
    newer = [ReferralFactory(contact__school=school_a, partner=referral_a.partner) for _ in "ab"]

    monday_at_a = partner_week(user=pam, monday=MONDAY)[0].occurrences[0]

    assert [r.id for r in monday_at_a.referrals] == [newer[0].pk, newer[1].pk]
    assert monday_at_a.more_referrals == 1


def test_the_partner_week_shows_a_cancelled_date_with_its_reason(week_of_pam, pam):
    SpreekuurCancellationFactory(spreekuur=week_of_pam[0], date=MONDAY, reason="Studiedag")
    occurrence = partner_week(user=pam, monday=MONDAY)[0].occurrences[0]
    assert occurrence.cancelled and occurrence.cancellation.reason == "Studiedag"


def _grow(partner, factor: int, *, with_referrals=True):
    """``factor`` schools, each with a Monday spreekuur of ``partner``, bookings, referrals."""
    for _ in range(factor):
        school = SchoolFactory()
        spreekuur = SpreekuurFactory(partner=partner, school=school)
        SpreekuurCancellationFactory(spreekuur=spreekuur, date=MONDAY + timedelta(days=7))
        for at in (time(9, 0), time(9, 20)):
            family = FamilyFactory(school=school)
            parent = ParentFactory(family=family)
            referral = (
                ReferralFactory(
                    contact__school=school,
                    contact__family=family,
                    contact__parent=parent,
                    partner=partner,
                )
                if with_referrals
                else None
            )
            AppointmentFactory(
                spreekuur=spreekuur,
                date=MONDAY,
                start_time=at,
                family=family,
                parent=parent,
                referral=referral,
            )


def _count_queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.parametrize(
    "call",
    [
        lambda user: partner_week(user=user, monday=MONDAY),
        lambda user: calendar_occurrences(user=user, start=MONDAY, end=MONDAY + timedelta(days=60)),
        lambda user: occurrences_on(MONDAY),
    ],
    ids=["partner_week", "calendar_occurrences", "occurrences_on"],
)
def test_partner_reads_run_the_same_queries_for_one_or_ten_times_the_data(pam, partner_p, call):
    pam = type(pam).objects.get(pk=pam.pk)
    _grow(partner_p, 1)
    small = _count_queries(lambda: call(pam))
    _grow(partner_p, 9)
    pam = type(pam).objects.get(pk=pam.pk)
    large = _count_queries(lambda: call(pam))
    assert large == small
    # 9: the partner's week fetches the parents of its newest referrals by id, after the
    # window that picks them (a join inside the window hashed every parent of the city).
    assert small <= 9


def test_occurrences_on_gives_the_spreekuren_of_that_day_with_their_bookings(
    werkwinkel_a, partner_o, school_b, pam, django_assert_num_queries
):
    buurtteam = SpreekuurFactory(partner=partner_o, school=school_b, weekday=Weekday.MONDAY)
    SpreekuurFactory(partner=partner_o, school=school_b, weekday=Weekday.TUESDAY)
    cancelled = SpreekuurFactory(partner=partner_o, school=werkwinkel_a.school)
    SpreekuurCancellationFactory(spreekuur=cancelled, date=MONDAY)
    AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY, start_time=time(9, 0))
    AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY, start_time=time(9, 20))
    AppointmentFactory(
        spreekuur=werkwinkel_a,
        date=MONDAY,
        start_time=time(9, 40),
        status=AppointmentStatus.CANCELLED,
    )
    rows = occurrences_on(MONDAY)
    assert {(row.spreekuur, row.date, row.appointment_count) for row in rows} == {
        (werkwinkel_a, MONDAY, 2),
        (buurtteam, MONDAY, 0),
    }
    with django_assert_num_queries(0):
        staff = {row.spreekuur: list(row.spreekuur.staff.all()) for row in rows}
        names = [(row.spreekuur.partner.name, row.spreekuur.school.name) for row in rows]
    assert staff[werkwinkel_a] == [pam] and staff[buurtteam] == []
    assert len(names) == 2


def test_occurrences_on_a_public_holiday_are_none(werkwinkel_a):
    assert occurrences_on(date(2026, 12, 28)) != []
    assert occurrences_on(date(2027, 3, 29)) == []  # Easter Monday


# --- calendar, public page, coordinator -------------------------------------------------------


def test_the_calendar_shows_the_spreekuren_a_member_staffs(werkwinkel_a, partner_p, school_b, pam):
    SpreekuurFactory(partner=partner_p, school=school_b, weekday=Weekday.THURSDAY)
    found = calendar_occurrences(user=pam, start=MONDAY, end=SUNDAY)
    assert [o.spreekuur for o in found] == [werkwinkel_a]


def test_the_calendar_of_a_member_without_assignments_shows_the_organisations(
    werkwinkel_a, partner_p, school_b
):
    colleague = UserFactory(username="piet", role="partner", organisation=partner_p)
    at_b = SpreekuurFactory(partner=partner_p, school=school_b, weekday=Weekday.THURSDAY)
    found = calendar_occurrences(user=colleague, start=MONDAY, end=SUNDAY)
    assert [o.spreekuur for o in found] == [werkwinkel_a, at_b]


def test_public_spreekuren_are_plain_rows_without_staff_or_cancelled_dates(
    werkwinkel_a, partner_o, school_a, school_b
):
    buurtteam = SpreekuurFactory(
        partner=partner_o,
        school=school_a,
        weekday=Weekday.TUESDAY,
        start_time=time(8, 30),
        end_time=time(10, 0),
        room="Aula",
    )
    SpreekuurCancellationFactory(spreekuur=buurtteam, date=TUESDAY)
    SpreekuurFactory(partner=partner_o, school=school_b, weekday=Weekday.WEDNESDAY)
    rows = public_spreekuren(school_a, MONDAY, MONDAY + timedelta(days=13))
    assert rows == [
        PublicSpreekuur("Werkwinkel", MONDAY, 0, time(9, 0), time(10, 0), "Ouderkamer"),
        PublicSpreekuur(
            "Werkwinkel", MONDAY + timedelta(days=7), 0, time(9), time(10), "Ouderkamer"
        ),
        PublicSpreekuur(
            "Buurtteam Jeugd & Gezin", TUESDAY + timedelta(days=7), 1, time(8, 30), time(10), "Aula"
        ),
    ]
    assert {f.name for f in fields(PublicSpreekuur)} == {
        "partner",
        "date",
        "weekday",
        "start",
        "end",
        "room",
    }


def test_the_school_week_holds_every_partner_at_the_coordinators_schools(week_of_pam, alice, bob):
    werkwinkel_a, at_b, buurtteam = week_of_pam
    AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY)
    days = school_week(user=alice, monday=MONDAY)
    found = [o for d in days for o in d.occurrences]
    assert [o.spreekuur for o in found] == [werkwinkel_a, buurtteam]
    assert [o.appointment_count for o in found] == [1, 0]
    assert [o.spreekuur for d in school_week(user=bob, monday=MONDAY) for o in d.occurrences] == [
        at_b
    ]


def test_the_school_week_runs_the_same_queries_for_ten_times_the_schools(alice, partner_p):
    def grow(n):
        for _ in range(n):
            school = SchoolFactory()
            alice.schools.add(school)
            spreekuur = SpreekuurFactory(partner=partner_p, school=school, staff=[alice])
            AppointmentFactory(spreekuur=spreekuur, date=MONDAY)

    counts = []
    for n in (1, 9):
        grow(n)
        with CaptureQueriesContext(connection) as captured:
            days = school_week(user=alice, monday=MONDAY)
            [list(o.spreekuur.staff.all()) for d in days for o in d.occurrences]
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_scope_of_spreekuren_and_appointments(werkwinkel_a, alice, bob, pam, otto, lisa):
    appointment = AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY)
    assert list(spreekuren_for(alice)) == list(spreekuren_for(pam)) == [werkwinkel_a]
    assert not spreekuren_for(bob).exists() and not spreekuren_for(otto).exists()
    assert not spreekuren_for(lisa).exists()
    assert list(appointments_for(alice)) == list(appointments_for(pam)) == [appointment]
    for outsider in (bob, otto, lisa):
        assert not appointments_for(outsider).exists()


def test_referrals_awaiting_an_appointment_are_those_to_a_bookable_partner_here(
    werkwinkel_a, referral_a, alice, bob, school_a, partner_o
):
    # the Buurtteam has no spreekuur here
    ReferralFactory(contact__school=school_a, partner=partner_o)
    planned = ReferralFactory(contact__school=school_a, partner=werkwinkel_a.partner)
    planned.status = ReferralStatus.APPOINTMENT_PLANNED
    planned.save()
    assert list(referrals_awaiting_appointment(user=alice)) == [referral_a]
    assert list(referrals_awaiting_appointment(user=bob)) == []


def test_a_partner_waits_only_at_the_schools_where_she_holds_a_spreekuur(
    werkwinkel_a, referral_a, alice, school_a, school_b, partner_o
):
    """Alice serves two schools; the Werkwinkel holds a spreekuur at De Schakel only, the
    Buurtteam one at Spoorzicht that ended before today."""
    alice.schools.add(school_b)
    ReferralFactory(contact__school=school_b, partner=werkwinkel_a.partner)
    SpreekuurFactory(
        partner=partner_o,
        school=school_b,
        valid_from=timezone.localdate() - timedelta(days=60),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    at_spoorzicht = ReferralFactory(contact__school=school_b, partner=partner_o)
    assert list(referrals_awaiting_appointment(user=alice)) == [referral_a]

    SpreekuurFactory(partner=partner_o, school=school_b)
    waiting = list(referrals_awaiting_appointment(user=alice))
    assert waiting == [referral_a, at_spoorzicht]
    assert sorted(r.partner.name for r in waiting) == sorted(
        [werkwinkel_a.partner.name, partner_o.name]
    )


def test_the_family_timeline_lists_its_appointments(werkwinkel_a, family_a, parent_a):
    AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY, family=family_a, parent=parent_a)
    from familieschool.timeline import family_timeline

    assert [source.kind for source in appointment_timeline(family_a)] == ["appointment"]
    [entry] = family_timeline(family_a)
    assert entry.kind == "appointment"
    assert entry.title == "Afspraak bij Werkwinkel"
    assert entry.detail == "Gepland"
    assert timezone.localtime(entry.at).hour == 9


def test_a_once_spreekuur_appears_on_its_date_only(partner_p, school_a):
    once = SpreekuurFactory(
        partner=partner_p,
        school=school_a,
        weekday=Weekday.THURSDAY,
        recurrence=Recurrence.ONCE,
        valid_from=THURSDAY,
    )
    assert [o.date for o in spreekuur_occurrences([once], MONDAY, MONDAY + timedelta(30))] == [
        THURSDAY
    ]


def test_appointments_appear_on_the_family_timeline(werkwinkel_a, family_a):
    from familieschool.timeline import family_timeline

    AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY, family=family_a)
    assert "appointment" in [entry.kind for entry in family_timeline(family_a)]


def test_a_referral_to_a_walk_in_partner_waits_until_she_told_the_parent_a_date(
    werkwinkel_a, referral_a, alice, school_a, partner_o
):
    SpreekuurFactory(partner=partner_o, school=school_a, slot_minutes=None)
    walk_in = ReferralFactory(contact__school=school_a, partner=partner_o)
    told = ReferralFactory(contact__school=school_a, partner=partner_o)
    told.walk_in_on = timezone.localdate() + timedelta(days=3)
    told.save()

    waiting = list(referrals_awaiting_appointment(user=alice))

    assert waiting == [referral_a, walk_in]
