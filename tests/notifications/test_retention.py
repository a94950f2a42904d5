import logging
from datetime import date, datetime, time, timedelta
from io import BytesIO, StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from activiteiten.models import Attendance, Enrolment
from familieschool.models import Child, Family, OutboxMessage, Parent, SentLog
from familieschool.retention import (
    families_due,
    months_before,
    retention_apply,
    retention_cutoff,
    retention_plan,
)
from familieschool.schoolyear import SchoolYear
from partners.constants import AppointmentStatus
from partners.models import Appointment
from servicepunt.models import Contact, Referral
from tests.activiteiten.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
)
from tests.familieschool.factories import ChildFactory, FamilyFactory, ParentFactory
from tests.partners.factories import AppointmentFactory, SpreekuurFactory
from tests.servicepunt.factories import ContactFactory, ReferralFactory

TODAY = date(2030, 3, 12)
CUTOFF = date(2028, 3, 12)
EXPORTED_AT = timezone.make_aware(datetime(2030, 3, 12, 9, 30))
SECRETS = ("Fatima", "Amrani", "fatima@example.org", "0612345678", "Yusuf", "woning", "moeder")


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


def make_family(school, partner, last: date, *, code="SCH-17") -> Family:
    """A family with every kind of registration, the latest of them on ``last``."""
    family = FamilyFactory(school=school, code=code)
    Family.objects.filter(pk=family.pk).update(created_at=at(last - timedelta(days=400)))
    parent = ParentFactory(
        family=family,
        first_name="Fatima",
        last_name="El Amrani",
        email="fatima@example.org",
        phone="0612345678",
        reminders_opt_in=True,
    )
    child = ChildFactory(family=family, first_name="Yusuf")
    contact = ContactFactory(
        school=school,
        family=family,
        parent=parent,
        child=child,
        occurred_at=at(last),
        note="vraag over schuld bij de woningcorporatie",
    )
    referral = ReferralFactory(
        contact=contact,
        parent=parent,
        partner=partner,
        consent_given_by="Fatima (moeder)",
        outcome_note="regeling met de woningcorporatie getroffen",
    )
    Referral.objects.filter(pk=referral.pk).update(
        created_at=at(last - timedelta(days=40)), status_changed_at=at(last - timedelta(days=30))
    )
    spreekuur = SpreekuurFactory(school=school, partner=partner)
    AppointmentFactory(
        spreekuur=spreekuur,
        family=family,
        parent=parent,
        date=last - timedelta(days=10),
        status=AppointmentStatus.ATTENDED,
    )
    activity = ActivityFactory(school=school)
    session = SessionFactory(activity=activity, date=last - timedelta(days=60), anonymous_count=3)
    AttendanceFactory(session=session, parent=parent)
    AttendanceFactory(session=session, parent=None, child=child)
    enrolment = EnrolmentFactory(activity=activity, child=child, free_of_charge=True)
    Enrolment.objects.filter(pk=enrolment.pk).update(requested_at=at(last - timedelta(days=90)))
    return family


def personal_data(family: Family) -> list[str]:
    values = []
    for parent in Parent.objects.filter(family=family):
        values += [parent.first_name, parent.last_name, parent.email, parent.phone]
    values += list(Child.objects.filter(family=family).values_list("first_name", flat=True))
    values += list(Contact.objects.filter(family=family).values_list("note", flat=True))
    for referral in Referral.objects.filter(family=family):
        values += [referral.outcome_note, referral.consent_given_by]
    return [value for value in values if value]


def rows_of(family: Family) -> dict[str, int]:
    return {
        "parents": Parent.objects.filter(family=family).count(),
        "children": Child.objects.filter(family=family).count(),
        "contacts": Contact.objects.filter(family=family).count(),
        "referrals": Referral.objects.filter(family=family).count(),
        "appointments": Appointment.objects.filter(family=family).count(),
        "attendance": Attendance.objects.filter(parent__family=family).count()
        + Attendance.objects.filter(child__family=family).count(),
        "enrolments": Enrolment.objects.filter(child__family=family).count(),
    }


def test_the_cutoff_is_the_retention_period_before_today(settings):
    assert retention_cutoff(TODAY) == CUTOFF
    settings.RETENTION_MONTHS = 18
    assert retention_cutoff(TODAY) == date(2028, 9, 12)
    assert months_before(date(2030, 3, 31), 1) == date(2030, 2, 28)


def test_a_family_last_seen_the_day_before_the_limit_is_anonymised(school_a, partner_p):
    family = make_family(school_a, partner_p, CUTOFF - timedelta(days=1))
    rows_before = rows_of(family)

    counts = retention_apply(today=TODAY)

    family.refresh_from_db()
    assert family.anonymised_at is not None
    assert personal_data(family) == []
    assert not Parent.objects.filter(family=family, reminders_consent_on__isnull=False).exists()
    assert not Enrolment.objects.filter(child__family=family, free_of_charge=True).exists()
    assert rows_of(family) == rows_before
    assert counts["families"] == 1
    assert counts["parents"] == 1
    assert counts["children"] == 1
    assert counts["contact_notes"] == 1
    assert counts["referral_notes"] == 1
    assert counts["free_of_charge_marks"] == 1


@pytest.mark.parametrize("last", [CUTOFF, CUTOFF + timedelta(days=1)], ids=["on", "after"])
def test_a_family_seen_on_or_after_the_limit_keeps_its_data(school_a, partner_p, last):
    family = make_family(school_a, partner_p, last)
    before = personal_data(family)

    assert retention_apply(today=TODAY)["families"] == 0

    family.refresh_from_db()
    assert family.anonymised_at is None
    assert personal_data(family) == before
    assert "Fatima" in before


def _only_registration(kind: str, family: Family, day: date, partner) -> None:
    school = family.school
    parent = family.parents.first()
    child = family.children.first()
    if kind == "contact":
        ContactFactory(school=school, family=family, occurred_at=at(day))
    elif kind == "appointment":
        AppointmentFactory(spreekuur=SpreekuurFactory(school=school), family=family, date=day)
    elif kind == "appointment of a parent":
        AppointmentFactory(
            spreekuur=SpreekuurFactory(school=school), family=None, parent=parent, date=day
        )
    elif kind == "attendance of a parent":
        AttendanceFactory(session=SessionFactory(activity__school=school, date=day), parent=parent)
    elif kind == "attendance of a child":
        AttendanceFactory(
            session=SessionFactory(activity__school=school, date=day), parent=None, child=child
        )
    elif kind in ("enrolment of a child", "sign-up of a parent"):
        who = (
            {"child": child, "parent": None}
            if kind == "enrolment of a child"
            else {"parent": parent, "child": None}
        )
        enrolment = EnrolmentFactory(activity=ActivityFactory(school=school), **who)
        Enrolment.objects.filter(pk=enrolment.pk).update(requested_at=at(day))
    elif kind == "referral status change":
        referral = ReferralFactory(
            contact=ContactFactory(
                school=school, family=None, occurred_at=at(day - timedelta(400))
            ),
            family=family,
            partner=partner,
        )
        Referral.objects.filter(pk=referral.pk).update(
            created_at=at(day - timedelta(days=400)), status_changed_at=at(day)
        )
    elif kind == "active role":
        from activiteiten.models import ActiveParentRole

        ActiveParentRole.objects.create(
            parent=parent, school_year=SchoolYear.of(day).label, role="klassenouder"
        )


KINDS = [
    "contact",
    "appointment",
    "appointment of a parent",
    "attendance of a parent",
    "attendance of a child",
    "enrolment of a child",
    "sign-up of a parent",
    "referral status change",
    "active role",
]


@pytest.mark.parametrize("kind", KINDS)
def test_any_registration_since_the_limit_keeps_a_family(school_a, partner_p, kind):
    family = FamilyFactory(school=school_a)
    Family.objects.filter(pk=family.pk).update(created_at=at(date(2020, 1, 6)))
    ParentFactory(family=family, first_name="Fatima")
    ChildFactory(family=family, first_name="Yusuf")
    assert list(families_due(today=TODAY)) == [family]

    _only_registration(kind, family, CUTOFF + timedelta(days=1), partner_p)

    assert list(families_due(today=TODAY)) == []


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "active role"])
def test_a_registration_before_the_limit_does_not_keep_a_family(school_a, partner_p, kind):
    family = FamilyFactory(school=school_a)
    Family.objects.filter(pk=family.pk).update(created_at=at(date(2020, 1, 6)))
    ParentFactory(family=family)
    ChildFactory(family=family)
    _only_registration(kind, family, CUTOFF - timedelta(days=1), partner_p)
    assert list(families_due(today=TODAY)) == [family]


def test_a_new_family_without_registrations_is_kept(school_a):
    family = FamilyFactory(school=school_a)
    Family.objects.filter(pk=family.pk).update(created_at=at(CUTOFF + timedelta(days=1)))
    assert list(families_due(today=TODAY)) == []


def test_running_it_twice_changes_nothing_the_second_time(school_a, partner_p):
    family = make_family(school_a, partner_p, CUTOFF - timedelta(days=1))
    retention_apply(today=TODAY)
    family.refresh_from_db()
    first = family.anonymised_at

    counts = retention_apply(today=TODAY)

    assert set(counts.values()) == {0}
    family.refresh_from_db()
    assert family.anonymised_at == first


def test_only_the_families_due_are_touched(school_a, school_b, partner_p):
    old = make_family(school_a, partner_p, CUTOFF - timedelta(days=1), code="OLD")
    recent = make_family(school_b, partner_p, TODAY - timedelta(days=3), code="NEW")
    retention_apply(today=TODAY)
    assert personal_data(old) == []
    assert "Fatima" in personal_data(recent)


def test_it_logs_counts_only(school_a, partner_p, caplog):
    make_family(school_a, partner_p, CUTOFF - timedelta(days=1))
    with caplog.at_level(logging.INFO, logger="familieschool.retention"):
        retention_apply(today=TODAY)
    assert "families=1" in caplog.text
    for secret in SECRETS + ("SCH-17",):
        assert secret not in caplog.text


def _reach_counts() -> dict:
    """Distinct counts the yearly figures are made of, computed here independently."""
    return {
        "families": Contact.objects.values("family").distinct().count(),
        "parents": Contact.objects.values("parent").distinct().count(),
        "named_attendance": Attendance.objects.count(),
        "attending_parents": Attendance.objects.values("parent").distinct().count(),
        "attending_children": Attendance.objects.values("child").distinct().count(),
        "contacts_per_school": list(
            Contact.objects.values("school").annotate(n=Count("id")).order_by("school")
        ),
        "referrals_per_partner": list(
            Referral.objects.values("partner", "status")
            .annotate(n=Count("id"))
            .order_by("partner", "status")
        ),
        "attended_appointments": Appointment.objects.filter(
            status=AppointmentStatus.ATTENDED
        ).count(),
    }


def _exports(year) -> tuple[bytes, list]:
    """The CSV export as a project leader downloads it, and the XLSX cells."""
    from openpyxl import load_workbook

    from rapportage.exports import reach_export

    # The workbook notes the time of the figures to the minute; a run that crosses a minute
    # between the two exports must not read as changed figures.
    with mock.patch.object(timezone, "now", return_value=EXPORTED_AT):
        csv = reach_export(school_year=year, min_cell=5, fmt="csv").content
        xlsx = reach_export(school_year=year, fmt="xlsx").content
    workbook = load_workbook(BytesIO(xlsx))
    cells = [
        [cell.value for cell in row] for sheet in workbook.worksheets for row in sheet.iter_rows()
    ]
    return csv, cells


def test_the_yearly_figures_are_the_same_before_and_after(school_a, school_b, partner_p):
    from rapportage.reach import reach_rows

    last = CUTOFF - timedelta(days=1)
    for n in range(3):
        make_family(school_a, partner_p, last - timedelta(days=n), code=f"A{n}")
    make_family(school_b, partner_p, last, code="B1")
    make_family(school_a, partner_p, TODAY - timedelta(days=1), code="A-recent")
    ContactFactory(school=school_a, family=None, occurred_at=at(last))
    years = [SchoolYear.of(last), SchoolYear.of(last).previous(), SchoolYear.of(TODAY)]
    figures = {year.label: reach_rows(year, live=True) for year in years}
    exports = {year.label: _exports(year) for year in years}
    own = _reach_counts()

    assert retention_apply(today=TODAY)["families"] == 4

    assert {year.label: reach_rows(year, live=True) for year in years} == figures
    assert {year.label: _exports(year) for year in years} == exports
    assert _reach_counts() == own
    assert any(row.value for row in figures[SchoolYear.of(last).label])


def test_the_dry_run_shows_counts_and_changes_nothing(school_a, partner_p):
    today = timezone.localdate()
    family = make_family(school_a, partner_p, retention_cutoff(today) - timedelta(days=1))
    out = StringIO()

    call_command("retention", "--dry-run", stdout=out)

    assert "Dry run" in out.getvalue()
    assert "families: 1" in out.getvalue()
    assert "parents: 1" in out.getvalue()
    assert "Fatima" not in out.getvalue()
    family.refresh_from_db()
    assert family.anonymised_at is None
    assert "Fatima" in personal_data(family)
    assert retention_plan()["families"] == 1

    call_command("retention", stdout=StringIO())
    family.refresh_from_db()
    assert family.anonymised_at is not None
    assert retention_plan()["families"] == 0


def test_old_delivery_logs_are_dropped(db, settings):
    settings.OUTBOX_KEEP_DAYS = 30
    settings.SENT_LOG_KEEP_DAYS = 90
    now = timezone.now()
    old_sent = OutboxMessage.objects.create(task_name="x.y", sent_at=now - timedelta(days=31))
    OutboxMessage.objects.create(task_name="x.y", sent_at=now - timedelta(days=29))
    OutboxMessage.objects.create(task_name="x.y")  # pending: never dropped
    old_log = SentLog.objects.create(kind="k", key="old")
    SentLog.objects.filter(pk=old_log.pk).update(sent_at=now - timedelta(days=91))
    SentLog.objects.create(kind="k", key="new")

    counts = retention_apply()

    assert (counts["outbox_rows"], counts["sent_log_rows"]) == (1, 1)
    assert not OutboxMessage.objects.filter(pk=old_sent.pk).exists()
    assert OutboxMessage.objects.count() == 2
    assert list(SentLog.objects.values_list("key", flat=True)) == ["new"]


def test_every_app_contributes_its_records_to_the_retention_rules():
    import activiteiten.tasks
    import partners.tasks
    import servicepunt.tasks
    from familieschool.retention import CORE, rules

    assert rules() == [
        CORE,
        servicepunt.tasks.RETENTION,
        partners.tasks.RETENTION,
        activiteiten.tasks.RETENTION,
    ]


def test_the_core_modules_import_no_app():
    import ast
    from pathlib import Path

    core = Path(__file__).resolve().parents[2] / "familieschool"
    for name in ("celery", "outbox", "notifications", "retention", "tasks"):
        tree = ast.parse((core / f"{name}.py").read_text())
        imported = {
            node.module.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        } | {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not imported & {"servicepunt", "partners", "activiteiten", "rapportage"}, name


def test_the_job_runs_the_same_number_of_queries_for_1_or_10_families(school_a, partner_p):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count: int, prefix: str) -> int:
        for n in range(count):
            make_family(school_a, partner_p, CUTOFF - timedelta(days=1), code=f"{prefix}{n}")
        with CaptureQueriesContext(connection) as captured:
            assert retention_apply(today=TODAY)["families"] == count
        return len(captured)

    assert queries_for(1, "one-") == queries_for(10, "ten-")
