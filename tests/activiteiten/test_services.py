import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activiteiten import services
from activiteiten.constants import EnrolmentStatus, TargetGroup
from activiteiten.forms import ActivityForm
from activiteiten.models import ActiveParentRole, Attendance, Enrolment, Session
from familieschool.constants import AuditAction
from familieschool.models import AuditLog, Family
from tests.activiteiten.factories import (
    ActivityFactory,
    AttendanceFactory,
    ChildrenProgrammeFactory,
    SessionFactory,
)
from tests.familieschool.factories import ChildFactory, FamilyFactory, ParentFactory

TUESDAY = datetime.date(2024, 10, 8)


@pytest.fixture
def koffie(school_a):
    return ActivityFactory(school=school_a, title="Koffieochtend")


def _parents(school, count):
    return [ParentFactory(family=FamilyFactory(school=school)) for _ in range(count)]


# --- attendance ----------------------------------------------------------------------------


def test_it_counts_named_anonymous_and_first_time_parents(alice, koffie, school_a):
    regular, newcomer = _parents(school_a, 2)
    AttendanceFactory(
        session__activity=koffie, session__date=TUESDAY - datetime.timedelta(7), parent=regular
    )
    session = SessionFactory(activity=koffie, date=TUESDAY)

    result = services.attendance_register(
        session=session,
        parent_ids=[regular.pk, newcomer.pk],
        child_ids=[],
        first_time_ids=None,
        anonymous_count=3,
        user=alice,
    )

    assert (result.parents, result.children, result.anonymous, result.first_time) == (2, 0, 3, 1)
    rows = {row.parent_id: row.first_time for row in session.attendances.all()}
    assert rows == {regular.pk: False, newcomer.pk: True}
    session.refresh_from_db()
    assert session.anonymous_count == 3


def test_a_first_time_at_another_activity_of_the_school_is_not_a_first_time(
    alice, koffie, school_a
):
    parent = _parents(school_a, 1)[0]
    other = ActivityFactory(school=school_a, title="Taalles")
    AttendanceFactory(
        session__activity=other, session__date=TUESDAY - datetime.timedelta(1), parent=parent
    )
    session = SessionFactory(activity=koffie, date=TUESDAY)

    services.attendance_register(
        session=session,
        parent_ids=[parent.pk],
        child_ids=[],
        first_time_ids=None,
        anonymous_count=0,
        user=alice,
    )

    assert session.attendances.get().first_time is False


def test_the_coordinator_can_correct_the_first_time_mark(alice, koffie, school_a):
    parent = _parents(school_a, 1)[0]
    session = SessionFactory(activity=koffie, date=TUESDAY)

    services.attendance_register(
        session=session,
        parent_ids=[parent.pk],
        child_ids=[],
        first_time_ids=[],
        anonymous_count=0,
        user=alice,
    )

    assert session.attendances.get().first_time is False


def test_registering_again_replaces_the_list_and_keeps_one_row_per_person(alice, koffie, school_a):
    first, second, third = _parents(school_a, 3)
    session = SessionFactory(activity=koffie, date=TUESDAY)
    services.attendance_register(
        session=session,
        parent_ids=[first.pk, second.pk],
        child_ids=[],
        first_time_ids=None,
        anonymous_count=2,
        user=alice,
    )

    services.attendance_register(
        session=session,
        parent_ids=[second.pk, third.pk],
        child_ids=[],
        first_time_ids=None,
        anonymous_count=1,
        user=alice,
    )

    assert set(session.attendances.values_list("parent_id", flat=True)) == {second.pk, third.pk}
    session.refresh_from_db()
    assert session.anonymous_count == 1


def test_it_refuses_a_parent_of_another_school_and_changes_nothing(
    alice, koffie, school_a, school_b
):
    own = _parents(school_a, 1)[0]
    other = _parents(school_b, 1)[0]
    session = SessionFactory(activity=koffie, date=TUESDAY)

    with pytest.raises(ValidationError):
        services.attendance_register(
            session=session,
            parent_ids=[own.pk, other.pk],
            child_ids=[],
            first_time_ids=None,
            anonymous_count=4,
            user=alice,
        )

    assert not session.attendances.exists()
    session.refresh_from_db()
    assert session.anonymous_count == 0


def test_it_refuses_a_negative_headcount(alice, koffie):
    session = SessionFactory(activity=koffie, date=TUESDAY)

    with pytest.raises(ValidationError) as error:
        services.attendance_register(
            session=session,
            parent_ids=[],
            child_ids=[],
            first_time_ids=None,
            anonymous_count=-1,
            user=alice,
        )

    assert "anonymous_count" in error.value.error_dict


def test_it_registers_children_of_a_programme(alice, school_a):
    programme = ChildrenProgrammeFactory(school=school_a)
    children = [ChildFactory(family=FamilyFactory(school=school_a)) for _ in range(2)]
    session = SessionFactory(activity=programme, date=datetime.date(2024, 10, 9))

    result = services.attendance_register(
        session=session,
        parent_ids=[],
        child_ids=[c.pk for c in children],
        first_time_ids=None,
        anonymous_count=0,
        user=alice,
    )

    assert result.children == 2
    assert set(session.attendances.values_list("child_id", flat=True)) == {c.pk for c in children}


def test_registering_logs_each_changed_family_without_content(alice, koffie, school_a):
    parents = _parents(school_a, 3)
    session = SessionFactory(activity=koffie, date=TUESDAY)

    services.attendance_register(
        session=session,
        parent_ids=[p.pk for p in parents],
        child_ids=[],
        first_time_ids=None,
        anonymous_count=0,
        user=alice,
    )

    logged = AuditLog.objects.filter(action=AuditAction.CHANGE, object_type="activiteiten.session")
    assert {entry.family_id for entry in logged} == {p.family_id for p in parents}


def _register_queries(user, school, people: int) -> int:
    activity = ActivityFactory(school=school)
    parents = _parents(school, people)
    session = SessionFactory(activity=activity, date=TUESDAY)
    services.attendance_register(
        session=session,
        parent_ids=[p.pk for p in parents[1:]],
        child_ids=[],
        first_time_ids=None,
        anonymous_count=0,
        user=user,
    )
    with CaptureQueriesContext(connection) as queries:
        services.attendance_register(
            session=session,
            parent_ids=[p.pk for p in parents[:-1]],
            child_ids=[],
            first_time_ids=[parents[0].pk],
            anonymous_count=2,
            user=user,
        )
    return len(queries)


def test_registering_takes_the_same_number_of_queries_for_few_or_many(alice, school_a):
    few = _register_queries(alice, school_a, 5)
    many = _register_queries(alice, school_a, 50)

    assert few == many
    assert few <= 10


def test_attendance_save_creates_the_session_and_a_new_family(alice, koffie, school_a):
    known = _parents(school_a, 1)[0]

    result = services.attendance_save(
        activity=koffie,
        day=TUESDAY,
        topic="Schermtijd",
        partner_present=None,
        parent_ids=[known.pk],
        child_ids=[],
        first_time_ids=[],
        anonymous_count=1,
        newcomers=[services.Newcomer(first_name="Nadia", preferred_language="ar")],
        user=alice,
    )

    session = Session.objects.get(activity=koffie, date=TUESDAY)
    assert session.topic == "Schermtijd"
    assert result.parents == 2
    newcomer = session.attendances.get(first_time=True).parent
    assert newcomer.first_name == "Nadia"
    assert newcomer.family.school == school_a
    assert newcomer.family.code == "N001"


def test_a_failing_new_family_leaves_no_session_behind(alice, koffie, school_a):
    FamilyFactory(school=school_a, code="A7")

    with pytest.raises(ValidationError):
        services.attendance_save(
            activity=koffie,
            day=TUESDAY,
            topic="",
            partner_present=None,
            parent_ids=[],
            child_ids=[],
            first_time_ids=[],
            anonymous_count=2,
            newcomers=[services.Newcomer(first_name="Sara", code="A7", preferred_language="nl")],
            user=alice,
        )

    assert not Session.objects.filter(activity=koffie).exists()
    assert Family.objects.filter(school=school_a).count() == 1


# --- enrolment -----------------------------------------------------------------------------


@pytest.fixture
def programme(school_a):
    return ChildrenProgrammeFactory(school=school_a, capacity=2, groups=["g5", "g6"])


def _children(school, count, group="g5"):
    return [ChildFactory(family=FamilyFactory(school=school), group=group) for _ in range(count)]


def test_children_beyond_capacity_wait_in_order_of_request(alice, programme, school_a):
    children = _children(school_a, 4)

    enrolments = [
        services.enrolment_create(activity=programme, child=child, user=alice) for child in children
    ]

    assert [e.status for e in enrolments] == [
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.WAITING,
        EnrolmentStatus.WAITING,
    ]


def test_a_withdrawal_moves_the_first_on_the_waiting_list_up(alice, programme, school_a):
    first, second, third, fourth = _children(school_a, 4)
    enrolled = services.enrolment_create(activity=programme, child=first, user=alice)
    for child in (second, third, fourth):
        services.enrolment_create(activity=programme, child=child, user=alice)

    moved = services.enrolment_withdraw(enrolment=enrolled, user=alice)

    assert [e.child for e in moved] == [third]
    statuses = dict(Enrolment.objects.values_list("child_id", "status"))
    assert statuses == {
        first.pk: EnrolmentStatus.WITHDRAWN,
        second.pk: EnrolmentStatus.ENROLLED,
        third.pk: EnrolmentStatus.ENROLLED,
        fourth.pk: EnrolmentStatus.WAITING,
    }


def test_withdrawing_from_the_waiting_list_moves_nobody_up(alice, programme, school_a):
    children = _children(school_a, 3)
    enrolments = [
        services.enrolment_create(activity=programme, child=child, user=alice) for child in children
    ]

    moved = services.enrolment_withdraw(enrolment=enrolments[2], user=alice)

    assert moved == []
    assert Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).count() == 2


def test_a_child_who_asks_again_joins_the_end_of_the_queue(alice, programme, school_a):
    first, second, third = _children(school_a, 3)
    enrolment = services.enrolment_create(activity=programme, child=first, user=alice)
    services.enrolment_create(activity=programme, child=second, user=alice)
    services.enrolment_withdraw(enrolment=enrolment, user=alice)
    services.enrolment_create(activity=programme, child=third, user=alice)

    again = services.enrolment_create(activity=programme, child=first, user=alice)

    assert again.pk == enrolment.pk
    assert again.status == EnrolmentStatus.WAITING


def test_more_capacity_moves_the_waiting_list_up(alice, programme, school_a):
    children = _children(school_a, 3)
    for child in children:
        services.enrolment_create(activity=programme, child=child, user=alice)

    unchanged = {name: getattr(programme, name) for name in ActivityForm.Meta.fields}
    services.activity_update(activity=programme, user=alice, **{**unchanged, "capacity": 3})

    assert not Enrolment.objects.filter(status=EnrolmentStatus.WAITING).exists()


def test_it_refuses_a_child_of_another_group(alice, programme, school_a):
    toddler = _children(school_a, 1, group="g1")[0]

    with pytest.raises(ValidationError):
        services.enrolment_create(activity=programme, child=toddler, user=alice)

    assert not Enrolment.objects.exists()


def test_it_refuses_a_child_of_another_school(alice, programme, school_b):
    child = _children(school_b, 1)[0]

    with pytest.raises(ValidationError):
        services.enrolment_create(activity=programme, child=child, user=alice)

    assert not Enrolment.objects.exists()


def test_it_refuses_a_double_enrolment(alice, programme, school_a):
    child = _children(school_a, 1)[0]
    services.enrolment_create(activity=programme, child=child, user=alice)

    with pytest.raises(ValidationError):
        services.enrolment_create(activity=programme, child=child, user=alice)

    assert Enrolment.objects.count() == 1


def test_a_parent_signs_up_for_a_course(alice, school_a):
    course = ActivityFactory(school=school_a, capacity=1, signup_required=True)
    first, second = _parents(school_a, 2)

    enrolled = services.enrolment_create(activity=course, parent=first, user=alice)
    waiting = services.enrolment_create(activity=course, parent=second, user=alice)

    assert (enrolled.status, waiting.status) == (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING)


def test_it_refuses_a_parent_for_a_childrens_programme(alice, programme, parent_a):
    with pytest.raises(ValidationError):
        services.enrolment_create(activity=programme, parent=parent_a, user=alice)


def test_enrolling_is_logged_for_the_family(alice, programme, school_a):
    child = _children(school_a, 1)[0]

    enrolment = services.enrolment_create(
        activity=programme, child=child, free_of_charge=True, user=alice
    )

    entry = AuditLog.objects.get(object_type="activiteiten.enrolment")
    assert (entry.family_id, entry.object_id, entry.action) == (
        child.family_id,
        enrolment.pk,
        AuditAction.CREATE,
    )
    assert enrolment.free_of_charge is True


# --- activities and roles ------------------------------------------------------------------


def test_a_partner_organised_activity_needs_the_partner(alice, school_a):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            user=alice,
            school=school_a,
            type=ActivityFactory.build().type,
            title="Heldin",
            organiser="partner",
            weekday=0,
            start_time=datetime.time(9),
            end_time=datetime.time(10),
            valid_from=datetime.date(2024, 9, 2),
        )

    assert "organiser_partner" in error.value.error_dict


def test_an_active_role_is_recorded_once_per_year(alice, parent_a):
    services.active_role_add(
        parent=parent_a, school_year="2024/2025", role="klassenouder", user=alice
    )

    with pytest.raises(ValidationError):
        services.active_role_add(
            parent=parent_a, school_year="2024/2025", role="klassenouder", user=alice
        )
    services.active_role_add(
        parent=parent_a, school_year="2025/2026", role="klassenouder", user=alice
    )

    assert ActiveParentRole.objects.count() == 2


def test_removing_an_active_role_deletes_it(alice, parent_a):
    role = services.active_role_add(
        parent=parent_a, school_year="2024/2025", role="ouderambassadeur", user=alice
    )

    services.active_role_remove(active_role=role, user=alice)

    assert not ActiveParentRole.objects.exists()


def test_a_session_by_hand_refuses_a_second_one_on_the_same_date(koffie):
    services.session_create(activity=koffie, day=TUESDAY)

    with pytest.raises(ValidationError):
        services.session_create(activity=koffie, day=TUESDAY)

    assert Session.objects.count() == 1


def test_deleting_nothing_is_harmless(alice, koffie):
    session = SessionFactory(activity=koffie, date=TUESDAY)

    result = services.attendance_register(
        session=session,
        parent_ids=[],
        child_ids=[],
        first_time_ids=None,
        anonymous_count=0,
        user=alice,
    )

    assert (result.parents, Attendance.objects.count()) == (0, 0)
    assert koffie.target_group == TargetGroup.PARENTS
