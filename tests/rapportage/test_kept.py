"""Kept reach counts: the figures the dashboard and downloads read are the live figures (and the
independent count of conftest.py) as of their count, and a recount brings in what was
registered since."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from familieschool.schoolyear import SchoolYear
from rapportage.models import ReachCount, ReachCountSchool
from rapportage.reach import LEVEL_SCHOOL, Period, reach_report
from rapportage.reach.report import same_period_last_year
from rapportage.services import reach_count_refresh, reach_counts_recount, reach_snapshot_create
from rapportage.tasks import recount_reach
from tests.rapportage.test_reach import PREVIOUS, YEAR, by_letter
from tests.servicepunt.factories import ContactFactory

DASHBOARD = reverse("rapportage:dashboard")


@pytest.fixture(autouse=True)
def _not_late_in_the_evening(monkeypatch):
    # From 23:00 the recount also counts tomorrow's part of last year; the tests that count
    # periods do not depend on the hour they run at (the evening has its own test).
    monkeypatch.setattr("rapportage.services.TOMORROW_FROM_HOUR", 24)


def _refresh(label: str) -> ReachCount:
    return reach_count_refresh(period=Period.of(SchoolYear.parse(label)))


@pytest.mark.parametrize("label", [YEAR, PREVIOUS])
def test_every_kept_school_figure_matches_the_independent_count(reach_world, oracle, label):
    _refresh(label)
    rows = reach_report(label, kept=True, previous=False).rows
    got = by_letter(reach_world, rows)
    expected = oracle(label)
    assert set(expected) - set(got) == set()
    for key, value in got.items():
        default = None if key[1].endswith("_pct") else 0
        assert value == expected.get(key, default), key


@pytest.mark.parametrize("min_cell", [0, 5])
def test_kept_rows_are_the_live_rows_with_suppression_and_last_year(reach_world, min_cell):
    _refresh(YEAR)
    _refresh(PREVIOUS)
    kept = reach_report(YEAR, min_cell=min_cell, kept=True)
    live = reach_report(YEAR, min_cell=min_cell)
    assert kept.rows == live.rows
    assert kept.previous_rows == live.previous_rows
    assert kept.counted_at is not None and live.counted_at is None
    if min_cell:
        assert any(row.hidden for row in kept.rows)


def test_a_board_cut_from_the_kept_count_hides_what_the_whole_report_hides(reach_world):
    _refresh(YEAR)
    board_x = reach_world.boards["X"]
    schools = [reach_world.schools["A"], reach_world.schools["B"]]
    everything = [*schools, reach_world.schools["C"]]
    kept = reach_report(YEAR, schools=schools, scope=everything, min_cell=5, kept=True)
    live = reach_report(YEAR, schools=schools, scope=everything, min_cell=5)
    assert kept.rows == live.rows
    assert {row.school for row in kept.rows if row.level == LEVEL_SCHOOL} == {
        school.name for school in schools if school.board == board_x
    }


def test_a_year_without_a_kept_count_is_counted_once_and_kept(reach_world):
    assert not ReachCount.objects.exists()
    report = reach_report(YEAR, kept=True)
    assert report.rows == reach_report(YEAR).rows
    periods = set(ReachCount.objects.values_list("first_day", flat=True))
    assert periods == {SchoolYear.parse(YEAR).start, SchoolYear.parse(PREVIOUS).start}
    # Three schools, each with its own row (zeros left out of the values).
    assert ReachCountSchool.objects.filter(count__first_day__in=periods).count() == 6


def test_a_frozen_year_is_read_from_its_snapshot_not_kept(reach_world):
    reach_snapshot_create(school_year=SchoolYear.parse(YEAR))
    report = reach_report(YEAR, kept=True, previous=False)
    assert report.is_frozen
    assert not ReachCount.objects.filter(first_day=SchoolYear.parse(YEAR).start).exists()


def test_a_registration_shows_up_at_the_next_recount_and_the_page_says_when(school_a, lisa_client):
    year = SchoolYear.current()
    now = timezone.now()
    ContactFactory(school=school_a, occurred_at=now - timedelta(hours=1))
    recount_reach()
    first = ReachCount.objects.get(first_day=year.start)

    ContactFactory(school=school_a, occurred_at=now - timedelta(minutes=1))
    response = lisa_client.get(DASHBOARD, {"schooljaar": year.label})
    total = next(row for row in response.context["report"].rows if row.key[1:] == ("contacten", ""))
    assert response.context["report"].counted_at == first.counted_at
    assert total.value == 1
    page = response.content.decode()
    assert 'id="counted-at"' in page
    assert "5 minuten" in page

    recount_reach()
    response = lisa_client.get(DASHBOARD, {"schooljaar": year.label})
    total = next(row for row in response.context["report"].rows if row.key[1:] == ("contacten", ""))
    assert total.value == 2
    assert response.context["report"].counted_at > first.counted_at


@pytest.mark.integration
def test_the_recount_skips_frozen_years_and_recounts_older_years_once_a_day(reach_world):
    current = SchoolYear.current()
    old, frozen, recent = (SchoolYear.parse(label) for label in (YEAR, PREVIOUS, "2022/2023"))
    for year in (old, frozen, recent):
        _refresh(year.label)
    two_days_ago = timezone.now() - timedelta(days=2)
    ReachCount.objects.filter(first_day__in=[old.start, frozen.start]).update(
        counted_at=two_days_ago
    )
    reach_snapshot_create(school_year=frozen)
    before = dict(ReachCount.objects.values_list("first_day", "counted_at"))

    # This and last school year and last year's first part up to today are counted; the old
    # year is due, but nothing was registered since its count: it is checked, not recounted.
    assert reach_counts_recount() == {"recounted": 3, "unchanged": 1, "removed": 0}

    after = dict(ReachCount.objects.values_list("first_day", "counted_at"))
    assert after[old.start] > before[old.start]  # more than a day old: checked again
    assert after[frozen.start] == two_days_ago  # read from its snapshot instead
    assert after[recent.start] == before[recent.start]  # counted just now
    assert {current.start, current.previous().start} <= set(after)


def test_a_recount_that_started_earlier_does_not_replace_a_later_one(reach_world, monkeypatch):
    later = _refresh(YEAR)
    earlier = later.counted_at - timedelta(seconds=30)
    monkeypatch.setattr("rapportage.reach.kept.timezone.now", lambda: earlier)
    kept = _refresh(YEAR)
    assert kept.counted_at == later.counted_at
    assert ReachCount.objects.get().counted_at == later.counted_at


def test_an_earlier_year_says_it_is_recounted_once_a_day(reach_world, lisa_client):
    response = lisa_client.get(DASHBOARD, {"schooljaar": YEAR})

    page = response.content.decode()
    assert response.context["report"].counted_at is not None
    assert "eens per dag opnieuw geteld" in page
    assert "5 minuten" not in page


def test_the_command_recounts_this_and_last_school_year(school_a):
    from io import StringIO

    from django.core.management import call_command

    ContactFactory(school=school_a, occurred_at=timezone.now() - timedelta(hours=1))
    out = StringIO()

    call_command("recount_reach", stdout=out)

    assert "3 periods recounted, 0 unchanged" in out.getvalue()
    current = SchoolYear.current()
    kept = ReachCountSchool.objects.get(count__first_day=current.start, school=school_a)
    assert sum(kept.values["contacten_per_maand"].values()) == 1


@pytest.mark.integration
def test_the_recount_counts_nothing_again_when_nothing_was_registered(school_a):
    ContactFactory(school=school_a, occurred_at=timezone.now() - timedelta(hours=1))
    first = reach_counts_recount()
    kept = set(ReachCountSchool.objects.values_list("pk", flat=True))
    counted_at = dict(ReachCount.objects.values_list("pk", "counted_at"))

    second = reach_counts_recount()

    assert first["recounted"] == 3 and first["unchanged"] == 0  # this, last, last so far
    assert second == {"recounted": 0, "unchanged": 3, "removed": 0}
    # The kept rows were not rewritten; the counts say they still hold now.
    assert set(ReachCountSchool.objects.values_list("pk", flat=True)) == kept
    for pk, at in ReachCount.objects.values_list("pk", "counted_at"):
        assert at > counted_at[pk]


def test_a_registration_of_any_kind_makes_the_next_recount_count(school_a):
    from tests.familieschool.factories import FamilyFactory

    reach_counts_recount()
    FamilyFactory(school=school_a)  # not even a contact: a new family changes the pupils' base

    assert reach_counts_recount()["recounted"] == 3


@pytest.mark.integration
def test_logins_sessions_and_the_audit_log_do_not_make_a_recount(school_a, lisa, lisa_client):
    from familieschool.constants import AuditAction
    from familieschool.services import audit_log_record

    reach_counts_recount()
    lisa_client.get(DASHBOARD)  # a session, the audit of nothing, a kept count read
    audit_log_record(user=lisa, action=AuditAction.VIEW, obj=school_a)

    assert reach_counts_recount()["recounted"] == 0


def test_last_years_parts_of_days_gone_by_are_removed_and_today_s_is_kept(school_a):
    current = SchoolYear.current()
    previous = current.previous()
    yesterdays = Period(previous.start, timezone.localdate() - timedelta(days=366))
    reach_count_refresh(period=yesterdays)
    calendar_year = reach_count_refresh(period=Period.calendar_year(previous.start_year))

    result = reach_counts_recount()

    assert result["removed"] == 1
    periods = set(ReachCount.objects.values_list("first_day", "last_day"))
    assert (yesterdays.first, yesterdays.last) not in periods
    assert (calendar_year.first_day, calendar_year.last_day) in periods
    today_s = same_period_last_year(current, timezone.localdate())
    assert {
        (current.start, current.end),
        (previous.start, previous.end),
        (today_s.first, today_s.last),
    } <= periods


def test_after_the_recount_the_dashboard_counts_nothing_in_the_request(school_a, lisa_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ContactFactory(school=school_a, occurred_at=timezone.now() - timedelta(hours=1))
    recount_reach()

    with CaptureQueriesContext(connection) as queries:
        response = lisa_client.get(DASHBOARD)

    assert response.status_code == 200
    assert response.context["report"].previous_until is not None  # compared with last year so far
    touched = " ".join(query["sql"] for query in queries.captured_queries)
    assert "servicepunt_contact" not in touched
    assert "activiteiten_attendance" not in touched


def test_late_in_the_evening_tomorrow_s_part_of_last_year_is_counted_too(school_a, monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    evening = datetime(2026, 11, 29, 23, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    monkeypatch.setattr("rapportage.services.timezone.now", lambda: evening)
    monkeypatch.setattr("rapportage.services.TOMORROW_FROM_HOUR", 23)

    reach_counts_recount()

    last_days = set(ReachCount.objects.values_list("last_day", flat=True))
    assert {date(2025, 11, 29), date(2025, 11, 30)} <= last_days


@pytest.mark.integration
def test_the_command_recounts_what_nothing_changed_when_forced(school_a):
    from io import StringIO

    from django.core.management import call_command

    reach_counts_recount()
    out = StringIO()

    call_command("recount_reach", stdout=out)
    call_command("recount_reach", "--force", stdout=out)

    assert "0 periods recounted, 3 unchanged" in out.getvalue()
    assert "3 periods recounted, 0 unchanged" in out.getvalue()


def _a_contact_three_years_ago(school) -> SchoolYear:
    three_years_ago = SchoolYear.current().previous().previous().previous()
    ContactFactory(
        school=school,
        occurred_at=timezone.make_aware(
            datetime.combine(three_years_ago.start + timedelta(days=40), time(10))
        ),
    )
    return three_years_ago


def test_the_task_counts_once_the_years_nobody_opened_so_no_request_counts_them(
    school_a, lisa_client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    three_years_ago = _a_contact_three_years_ago(school_a)

    first = reach_counts_recount()
    older = ReachCount.objects.filter(first_day__lt=SchoolYear.current().previous().start)
    counted_at = dict(older.values_list("pk", "counted_at"))
    kept = set(ReachCountSchool.objects.filter(count__in=older).values_list("pk", flat=True))
    second = reach_counts_recount()

    # This and last year, last year so far, the two years before last year, and the one before
    # those (the dashboard compares a year with the one before).
    assert first["recounted"] == 6
    # The second run checks this and last year and last year so far again (recounted on a
    # database without PostgreSQL's statistics, see writes_so_far), not the three older years:
    # they are checked once a day.
    assert second["recounted"] + second["unchanged"] == 3
    assert len(counted_at) == 3
    assert dict(older.values_list("pk", "counted_at")) == counted_at
    assert (
        set(ReachCountSchool.objects.filter(count__in=older).values_list("pk", flat=True)) == kept
    )
    with CaptureQueriesContext(connection) as queries:
        response = lisa_client.get(DASHBOARD, {"schooljaar": three_years_ago.label})
    assert response.status_code == 200
    assert "servicepunt_contact" not in " ".join(q["sql"] for q in queries.captured_queries)


@pytest.mark.integration
def test_with_the_older_years_counted_nothing_registered_recounts_nothing(school_a):
    # The skip reads PostgreSQL's statistics (writes_so_far), which SQLite has not.
    _a_contact_three_years_ago(school_a)

    assert reach_counts_recount()["recounted"] == 6
    assert reach_counts_recount() == {"recounted": 0, "unchanged": 3, "removed": 0}


def _contacts_on_the_dashboard(client, year: SchoolYear):
    response = client.get(DASHBOARD, {"schooljaar": year.label})
    report = response.context["report"]
    total = next(row for row in report.rows if row.key[1:] == ("contacten", ""))
    return total.value, report.counted_at


def _counted_longer_ago_than_promised(settings) -> None:
    before = timedelta(minutes=settings.REACH_RECOUNT_MINUTES, seconds=1)
    for count in ReachCount.objects.all():
        ReachCount.objects.filter(pk=count.pk).update(counted_at=count.counted_at - before)


def test_without_a_beat_the_dashboard_recounts_a_count_older_than_it_promises(
    school_a, lisa_client, settings
):
    # make run: no broker, so tasks run in-process and no beat recounts the kept counts. The
    # dashboard still says a registration shows up within 5 minutes.
    settings.CELERY_BROKER_URL = ""
    year = SchoolYear.current()
    ContactFactory(school=school_a, occurred_at=timezone.now() - timedelta(hours=1))
    assert _contacts_on_the_dashboard(lisa_client, year)[0] == 1  # counted, then kept
    ContactFactory(school=school_a, occurred_at=timezone.now() - timedelta(minutes=1))

    value, counted_at = _contacts_on_the_dashboard(lisa_client, year)
    assert value == 1  # within the promised minutes: the kept count, as with a beat
    _counted_longer_ago_than_promised(settings)

    value, recounted_at = _contacts_on_the_dashboard(lisa_client, year)
    assert value == 2
    assert recounted_at > counted_at
    assert ReachCount.objects.get(first_day=year.start, last_day=year.end).counted_at == (
        recounted_at
    )


def test_with_a_beat_the_dashboard_never_counts_even_an_old_count(school_a, lisa_client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # never reached: nothing is sent
    year = SchoolYear.current()
    ContactFactory(school=school_a, occurred_at=timezone.now() - timedelta(hours=1))
    recount_reach()
    ContactFactory(school=school_a, occurred_at=timezone.now() - timedelta(minutes=1))
    _counted_longer_ago_than_promised(settings)

    with CaptureQueriesContext(connection) as queries:
        value, _counted_at = _contacts_on_the_dashboard(lisa_client, year)

    assert value == 1  # the beat's next run brings the second one in
    assert "servicepunt_contact" not in " ".join(q["sql"] for q in queries.captured_queries)


def test_kept_values_are_read_once_per_count_and_again_after_each_recount(
    school_a, django_assert_num_queries
):
    """The whole city's kept values were 12 ms of every dashboard view: a process unpacks a
    count's values once, and the next recount (a new counted_at) is read anew."""
    from rapportage.reach import kept as kept_module

    kept_module.KEPT_VALUES.clear()
    year = SchoolYear.current()
    ContactFactory(school=school_a, occurred_at=timezone.now() - timedelta(hours=1))
    recount_reach()

    def contacts() -> int:
        figures = kept_module.kept_figures(year, [school_a])
        return sum(
            value
            for (school, code, _category), value in figures.values.items()
            if school == school_a.pk and code == "contacten_per_maand"
        )

    first = contacts()
    # Again: the count and the school's details, not the values (one query fewer).
    with django_assert_num_queries(2):
        assert contacts() == first

    ContactFactory(school=school_a, occurred_at=timezone.now() - timedelta(minutes=1))
    recount_reach()
    assert contacts() == first + 1
    kept_module.KEPT_VALUES.clear()
