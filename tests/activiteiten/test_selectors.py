import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activiteiten import selectors
from activiteiten.constants import EnrolmentStatus
from activiteiten.timeline import activity_entries
from familieschool.constants import HolidayRegion
from familieschool.models import SchoolHoliday
from familieschool.timeline import family_timeline
from tests.activiteiten.factories import (
    ActivityFactory,
    AttendanceFactory,
    ChildrenProgrammeFactory,
    EnrolmentFactory,
    SessionFactory,
)
from tests.familieschool.factories import ChildFactory, FamilyFactory, ParentFactory

TUESDAY = datetime.date(2024, 10, 8)
WEDNESDAY = datetime.date(2024, 10, 9)


# --- calendar ------------------------------------------------------------------------------


def test_the_calendar_merges_schedule_and_hand_made_sessions(school_a):
    activity = ActivityFactory(school=school_a)
    held = SessionFactory(activity=activity, date=TUESDAY)
    AttendanceFactory(session=held)
    extra = SessionFactory(activity=activity, date=datetime.date(2024, 10, 10))
    SchoolHoliday.objects.create(
        region=HolidayRegion.MIDDLE,
        name="Herfstvakantie",
        start=datetime.date(2024, 10, 19),
        end=datetime.date(2024, 10, 27),
    )

    rows = selectors.activity_calendar(activity, TUESDAY, datetime.date(2024, 10, 29))

    assert [(row.day.day, row.scheduled, row.closed) for row in rows] == [
        (8, True, False),
        (10, False, False),
        (15, True, False),
        (22, True, True),
        (29, True, False),
    ]
    assert rows[0].session == held and rows[0].total == 1
    assert rows[1].session == extra


# --- attendance sheet ----------------------------------------------------------------------


def test_the_sheet_puts_recent_regulars_on_top_and_the_search_preselects_first_timers(school_a):
    # The other parents are no longer all on the page (issue 10): the search finds them, with
    # "first time" ticked for whoever never came to anything at the school.
    activity = ActivityFactory(school=school_a)
    regular = ParentFactory(family=FamilyFactory(school=school_a), first_name="Hanna")
    long_ago = ParentFactory(family=FamilyFactory(school=school_a), first_name="Hannelore")
    stranger = ParentFactory(family=FamilyFactory(school=school_a), first_name="Johanna")
    AttendanceFactory(
        session__activity=activity, session__date=TUESDAY - datetime.timedelta(7), parent=regular
    )
    AttendanceFactory(
        session__activity=activity,
        session__date=TUESDAY - datetime.timedelta(400),
        parent=long_ago,
    )

    sheet = selectors.attendance_sheet(activity, TUESDAY)
    found = selectors.attendance_candidates(activity, TUESDAY, term="hann")

    assert [row.id for row in sheet.regulars] == [regular.pk]
    assert sheet.others == []
    assert sheet.session is None
    assert [(row.id, row.first_time, row.checked) for row in found] == [
        (regular.pk, False, False),
        (long_ago.pk, False, False),
        (stranger.pk, True, False),
    ]


def test_the_sheet_lists_only_the_most_recent_regulars(school_a, monkeypatch):
    monkeypatch.setattr(selectors, "REGULARS_MAX", 2)
    activity = ActivityFactory(school=school_a)
    parents = [ParentFactory(family=FamilyFactory(school=school_a)) for _ in range(3)]
    for weeks_ago, parent in zip((3, 2, 1), parents, strict=True):
        AttendanceFactory(
            session__activity=activity,
            session__date=TUESDAY - datetime.timedelta(7 * weeks_ago),
            parent=parent,
        )

    sheet = selectors.attendance_sheet(activity, TUESDAY)
    found = selectors.attendance_candidates(activity, TUESDAY, term=parents[0].first_name)

    assert {row.id for row in sheet.regulars} == {parents[1].pk, parents[2].pk}
    assert sheet.others == []
    assert [(row.id, row.first_time) for row in found] == [(parents[0].pk, False)]


def test_the_sheet_shows_what_was_saved(school_a):
    activity = ActivityFactory(school=school_a)
    session = SessionFactory(activity=activity, date=TUESDAY, anonymous_count=4)
    came = AttendanceFactory(session=session, first_time=True).parent

    sheet = selectors.attendance_sheet(activity, TUESDAY)

    # Present today but never before: not a regular, still on the page, ticked.
    assert sheet.regulars == []
    row = sheet.others[0]
    assert (row.id, row.checked, row.first_time) == (came.pk, True, True)
    assert sheet.anonymous_count == 4
    assert sheet.checked_count == 1


def test_a_reshown_form_keeps_the_parents_ticked_from_the_search(school_a, school_b):
    activity = ActivityFactory(school=school_a)
    ticked = ParentFactory(family=FamilyFactory(school=school_a))
    ParentFactory(family=FamilyFactory(school=school_a))
    elsewhere = ParentFactory(family=FamilyFactory(school=school_b))

    sheet = selectors.attendance_sheet(
        activity,
        TUESDAY,
        checked_parents={ticked.pk, elsewhere.pk},
        checked_children=set(),
        first_time={ticked.pk},
    )

    assert [(row.id, row.checked, row.first_time) for row in sheet.others] == [
        (ticked.pk, True, True)
    ]


def test_the_sheet_and_the_search_leave_out_other_schools_and_anonymised_families(
    school_a, school_b
):
    from django.utils import timezone

    activity = ActivityFactory(school=school_a)
    elsewhere = ParentFactory(family=FamilyFactory(school=school_b), first_name="Saida")
    gone = ParentFactory(
        family=FamilyFactory(school=school_a, anonymised_at=timezone.now()), first_name="Saida"
    )
    last_week = SessionFactory(activity=activity, date=TUESDAY - datetime.timedelta(7))
    for parent in (elsewhere, gone):
        AttendanceFactory(session=last_week, parent=parent)
    kept = ParentFactory(family=FamilyFactory(school=school_a), first_name="Saida")

    sheet = selectors.attendance_sheet(activity, TUESDAY)
    found = selectors.attendance_candidates(activity, TUESDAY, term="saida")

    assert sheet.regulars == sheet.others == []
    assert [row.id for row in found] == [kept.pk]


def test_the_search_matches_every_word_in_names_and_family_codes(school_a):
    activity = ActivityFactory(school=school_a)
    zeynep = ParentFactory(
        family=FamilyFactory(school=school_a, code="DS0412"), first_name="Zeynep", last_name="Kaya"
    )
    ParentFactory(family=FamilyFactory(school=school_a), first_name="Zeynep", last_name="Demir")
    ParentFactory(family=FamilyFactory(school=school_a), first_name="Ayse", last_name="Kaya")

    def ids(term):
        return [row.id for row in selectors.attendance_candidates(activity, TUESDAY, term=term)]

    assert ids("zeynep ka") == ids("KAYA zey") == ids("s041") == [zeynep.pk]
    assert len(ids("zeynep")) == 2
    assert ids("z") == ids("   ") == []


def test_the_search_answers_at_most_twenty_parents_in_constant_queries(school_a):
    activity = ActivityFactory(school=school_a)
    for n in range(25):
        parent = ParentFactory(family=FamilyFactory(school=school_a), first_name=f"Mira{n:02d}")
        if n % 2:
            AttendanceFactory(
                session__activity__school=school_a,
                session__date=TUESDAY - datetime.timedelta(n),
                parent=parent,
            )

    with CaptureQueriesContext(connection) as queries:
        found = selectors.attendance_candidates(activity, TUESDAY, term="mira")

    assert len(found) == selectors.SEARCH_MAX == 20
    assert [row.name.split()[0] for row in found] == [f"Mira{n:02d}" for n in range(20)]
    assert [row.first_time for row in found] == [n % 2 == 0 for n in range(20)]
    assert len(queries) == 2


def test_the_search_of_a_childrens_programme_finds_no_parents(school_a, parent_a):
    programme = ChildrenProgrammeFactory(school=school_a)

    assert selectors.attendance_candidates(programme, TUESDAY, term="fatima") == []


# --- enrolment -----------------------------------------------------------------------------


def test_the_lists_keep_the_order_of_request(school_a):
    programme = ChildrenProgrammeFactory(school=school_a)
    enrolled = EnrolmentFactory(activity=programme)
    second = EnrolmentFactory(activity=programme, status=EnrolmentStatus.WAITING)
    first = EnrolmentFactory(activity=programme, status=EnrolmentStatus.WAITING)
    EnrolmentFactory(activity=programme, status=EnrolmentStatus.WITHDRAWN)
    first.requested_at = second.requested_at - datetime.timedelta(hours=1)
    first.save()

    lists = selectors.enrolment_lists(programme)

    assert lists.enrolled == [enrolled]
    assert lists.waiting == [first, second]


def test_candidates_are_the_groups_children_not_yet_enrolled(school_a, school_b):
    programme = ChildrenProgrammeFactory(school=school_a, groups=["g5", "g6"])
    taken = EnrolmentFactory(activity=programme).child
    free = ChildFactory(family=FamilyFactory(school=school_a), group="g5")
    ChildFactory(family=FamilyFactory(school=school_a), group="g3")
    ChildFactory(family=FamilyFactory(school=school_b), group="g5")

    children, parents = selectors.enrolment_candidates(programme, group="g5")

    assert children == [free]
    assert taken not in children
    assert parents == []


# --- reminders -----------------------------------------------------------------------------


@pytest.fixture
def programme(school_a):
    return ChildrenProgrammeFactory(school=school_a, weekday=WEDNESDAY.weekday())


def _opted_in(family, **fields):
    return ParentFactory(family=family, reminders_opt_in=True, email="ouder@example.org", **fields)


def test_sessions_on_gives_the_parents_who_want_a_reminder(school_a, programme):
    family = FamilyFactory(school=school_a)
    EnrolmentFactory(activity=programme, child=ChildFactory(family=family))
    wants = _opted_in(family)
    ParentFactory(family=family, reminders_opt_in=False, email="nee@example.org")
    ParentFactory(family=family, reminders_opt_in=True, email="")
    waiting_family = FamilyFactory(school=school_a)
    EnrolmentFactory(
        activity=programme,
        child=ChildFactory(family=waiting_family),
        status=EnrolmentStatus.WAITING,
    )
    _opted_in(waiting_family)

    due = selectors.sessions_on(WEDNESDAY)

    assert [(row.activity, row.day, row.parents) for row in due] == [
        (programme, WEDNESDAY, [wants])
    ]
    assert due[0].session is None


def test_sessions_on_includes_parents_signed_up_themselves(school_a):
    course = ActivityFactory(school=school_a, signup_required=True)
    parent = _opted_in(FamilyFactory(school=school_a))
    EnrolmentFactory(activity=course, child=None, parent=parent)

    due = selectors.sessions_on(TUESDAY)

    assert due[0].parents == [parent]


def test_sessions_on_skips_cancelled_sessions_holidays_and_other_days(school_a, programme):
    family = FamilyFactory(school=school_a)
    EnrolmentFactory(activity=programme, child=ChildFactory(family=family))
    _opted_in(family)
    SessionFactory(activity=programme, date=WEDNESDAY, cancelled=True)
    SchoolHoliday.objects.create(
        region=HolidayRegion.MIDDLE,
        name="Herfstvakantie",
        start=datetime.date(2024, 10, 21),
        end=datetime.date(2024, 10, 25),
    )

    assert selectors.sessions_on(WEDNESDAY) == []
    assert selectors.sessions_on(datetime.date(2024, 10, 23)) == []
    assert selectors.sessions_on(TUESDAY) == []
    assert len(selectors.sessions_on(datetime.date(2024, 10, 16))) == 1


def test_reminders_due_adds_recent_visitors_of_an_open_activity_on_the_same_days(school_a):
    koffie = ActivityFactory(school=school_a, signup_required=False)
    visitor = _opted_in(FamilyFactory(school=school_a))
    AttendanceFactory(session__activity=koffie, session__date=TUESDAY, parent=visitor)
    SessionFactory(activity=koffie, date=datetime.date(2024, 10, 15), cancelled=True)
    SchoolHoliday.objects.create(
        region=HolidayRegion.MIDDLE,
        name="Herfstvakantie",
        start=datetime.date(2024, 10, 21),
        end=datetime.date(2024, 10, 25),
    )

    assert selectors.reminders_due(datetime.date(2024, 10, 29)) == {
        (visitor.pk, koffie.pk): (visitor, koffie)
    }
    assert selectors.reminders_due(datetime.date(2024, 10, 15)) == {}
    assert selectors.reminders_due(datetime.date(2024, 10, 22)) == {}


# --- timeline ------------------------------------------------------------------------------


def _family_history(school, sessions: int):
    family = FamilyFactory(school=school)
    parent = ParentFactory(family=family)
    child = ChildFactory(family=family)
    for week in range(sessions):
        day = TUESDAY - datetime.timedelta(weeks=week)
        AttendanceFactory(
            session__activity__school=school,
            session__date=day,
            parent=parent,
            first_time=week == sessions - 1,
        )
        AttendanceFactory(
            session__activity__school=school, session__date=day, parent=None, child=child
        )
    EnrolmentFactory(activity__school=school, child=child)
    return family


def test_the_timeline_shows_the_familys_attendance_and_enrolments(school_a):
    family = _family_history(school_a, 2)
    _family_history(school_a, 1)

    entries = family_timeline(family).entries

    assert sorted(entry.kind for entry in entries) == ["activity"] * 4 + ["enrolment"]
    assert any("eerste keer" in entry.detail for entry in entries)
    assert entries[0].url.startswith("/activiteiten/")


def test_the_timeline_runs_constant_queries(school_a):
    small = _family_history(school_a, 1)
    large = _family_history(school_a, 15)

    with CaptureQueriesContext(connection) as few:
        [entry.detail for entry in family_timeline(small)]
    with CaptureQueriesContext(connection) as many:
        [entry.detail for entry in family_timeline(large)]

    # The attendance and enrolments are read with the other providers' rows, in one query.
    assert len(few) == len(many) == 1


def test_the_provider_gives_a_source_of_each_kind_for_parents_and_for_children(school_a):
    family = _family_history(school_a, 1)

    assert [source.kind for source in activity_entries(family)] == [
        "activity",
        "activity",
        "enrolment",
        "enrolment",
    ]


def test_the_provider_is_registered_with_the_core_timeline(school_a):
    family = _family_history(school_a, 1)

    kinds = {entry.kind for entry in family_timeline(family)}

    assert {"activity", "enrolment"} <= kinds
