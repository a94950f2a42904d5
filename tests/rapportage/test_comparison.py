"""While a school year is under way, the dashboard compares it with the same period last year
and its month chart stops at this month."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from familieschool.schoolyear import SchoolYear
from rapportage.dashboard import months_so_far
from rapportage.reach.definitions import CONTACTS
from rapportage.reach.report import same_period_last_year
from tests.servicepunt.factories import ContactFactory

ZONE = ZoneInfo("Europe/Amsterdam")


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZONE)


def test_the_same_period_last_year_ends_a_year_before_today():
    period = same_period_last_year(SchoolYear.parse("2026/2027"), date(2026, 11, 29))

    assert (period.first, period.last) == (date(2025, 8, 1), date(2025, 11, 29))


def test_on_a_leap_day_the_same_period_ends_on_28_february():
    period = same_period_last_year(SchoolYear.parse("2027/2028"), date(2028, 2, 29))

    assert period.last == date(2027, 2, 28)


def test_an_ended_year_is_compared_with_the_whole_of_the_last():
    assert same_period_last_year(SchoolYear.parse("2024/2025"), date(2026, 11, 29)) is None


def test_the_month_chart_stops_at_this_month():
    year = SchoolYear.parse("2026/2027")

    assert months_so_far(year, date(2026, 11, 29)) == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert len(months_so_far(SchoolYear.parse("2025/2026"), date(2026, 11, 29))) == 12


def test_the_dashboard_compares_this_year_with_the_same_period_last_year(school_a, alice_client):
    today = timezone.localdate()
    year = SchoolYear.of(today)
    before = year.previous()
    a_year_ago = same_period_last_year(year, today).last
    ContactFactory(school=school_a, occurred_at=_noon(today))
    ContactFactory(school=school_a, occurred_at=_noon(before.start))  # within the same period
    if a_year_ago < before.end:  # later last year: the whole year had it, the period not yet
        ContactFactory(school=school_a, occurred_at=_noon(before.end))
        ContactFactory(school=school_a, occurred_at=_noon(before.end))

    response = alice_client.get(reverse("rapportage:dashboard"), {"schooljaar": year.label})

    report = response.context["report"]
    contacts = next(r for r in report.rows if r.school == school_a.name and r.indicator == CONTACTS)
    assert report.previous_until == a_year_ago
    assert report.change(contacts) == 0
    assert "dezelfde periode vorig jaar" in response.content.decode()
    months = response.context["chart_json"]["months"]
    assert len(months["labels"]) == len(months_so_far(year, today))
    assert len(months["datasets"][1]["data"]) == len(months["labels"])


def test_an_ended_year_is_compared_with_the_whole_previous_year(school_a, alice_client):
    year = SchoolYear.of(timezone.localdate()).previous()

    response = alice_client.get(reverse("rapportage:dashboard"), {"schooljaar": year.label})

    assert response.context["report"].previous_until is None
    assert "dezelfde periode vorig jaar" not in response.content.decode()
    assert len(response.context["chart_json"]["months"]["labels"]) == 12
