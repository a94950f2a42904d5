"""The calendar feed, parsed back with icalendar: where and when, never who or why."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from familieschool.constants import Weekday
from partners.feeds import spreekuur_calendar
from tests.familieschool.factories import FamilyFactory, ParentFactory, SchoolFactory, UserFactory
from tests.partners.conftest import MONDAY
from tests.partners.factories import (
    AppointmentFactory,
    SpreekuurCancellationFactory,
    SpreekuurFactory,
)
from tests.servicepunt.factories import ThemeFactory

TODAY = MONDAY - timedelta(days=7)


def events_of(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


@pytest.fixture
def booked(werkwinkel_a, family_a, parent_a, referral_a):
    """Two parents booked on MONDAY, one with a theme and a referral; the next Monday cancelled."""
    parent_a.phone, parent_a.email = "0612345678", "fatima@example.org"
    parent_a.save()
    AppointmentFactory(
        spreekuur=werkwinkel_a,
        date=MONDAY,
        family=family_a,
        parent=parent_a,
        referral=referral_a,
        theme=ThemeFactory(code="schulden-test", name="Schulden en betalingsachterstand"),
    )
    # Fixed names: a random one such as "Tim" would be found inside "VTIMEZONE".
    other = ParentFactory(
        family=FamilyFactory(school=werkwinkel_a.school, code="A777"),
        first_name="Yasmina",
        last_name="Bouhaddou",
    )
    AppointmentFactory(
        spreekuur=werkwinkel_a,
        date=MONDAY,
        start_time=time(9, 20),
        family=other.family,
        parent=other,
    )
    SpreekuurCancellationFactory(
        spreekuur=werkwinkel_a, date=MONDAY + timedelta(days=7), reason="Fatima is ziek"
    )
    return werkwinkel_a, other


def test_the_feed_holds_the_occurrences_with_school_room_and_number_of_bookings(booked, pam):
    events = {
        event.decoded("dtstart").date(): event
        for event in events_of(spreekuur_calendar(user=pam, today=TODAY))
    }
    monday = events[MONDAY]
    assert str(monday["summary"]) == "Spreekuur Werkwinkel op De Schakel"
    assert str(monday["location"]) == "De Schakel, Ouderkamer"
    assert str(monday["description"]) == "2 afspraken geboekt"
    assert str(monday["status"]) == "CONFIRMED"
    start, end = monday.decoded("dtstart"), monday.decoded("dtend")
    assert (start.hour, start.minute, end.hour) == (9, 0, 10)
    assert str(start.tzinfo) == "Europe/Amsterdam"
    assert str(events[TODAY]["description"]) == "0 afspraken geboekt"
    cancelled = events[MONDAY + timedelta(days=7)]
    assert str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["summary"]).startswith("Vervallen: ")
    uids = [str(event["uid"]) for event in events.values()]
    assert len(uids) == len(set(uids))


def test_the_feed_holds_no_personal_data_and_no_themes(booked, pam, parent_a, family_a, referral_a):
    _spreekuur, other = booked
    body = spreekuur_calendar(user=pam, today=TODAY).decode()
    forbidden = [
        parent_a.first_name,
        parent_a.last_name,
        parent_a.phone,
        parent_a.email,
        family_a.code,
        other.first_name,
        other.last_name,
        other.family.code,
        "Schulden",
        referral_a.themes.get().name,
        "ziek",  # the cancellation's reason may name someone
        pam.username,
    ]
    if pam.first_name:
        forbidden.append(pam.first_name)
    leaked = [value for value in forbidden if value and value.lower() in body.lower()]
    assert leaked == []


def test_the_feed_keeps_the_wall_clock_time_over_the_clock_change(werkwinkel_a, pam):
    events = events_of(spreekuur_calendar(user=pam, today=date(2026, 10, 12)))
    by_day = {event.decoded("dtstart").date(): event.decoded("dtstart") for event in events}
    before, after = by_day[date(2026, 10, 19)], by_day[date(2026, 10, 26)]
    assert (before.hour, after.hour) == (9, 9)
    assert before.utcoffset() == timedelta(hours=2) and after.utcoffset() == timedelta(hours=1)
    assert b"BEGIN:VTIMEZONE" in spreekuur_calendar(user=pam, today=date(2026, 10, 12))


def test_the_feed_shows_only_the_spreekuren_the_member_staffs(
    werkwinkel_a, partner_p, school_b, pam
):
    SpreekuurFactory(partner=partner_p, school=school_b, weekday=Weekday.THURSDAY)
    events = events_of(spreekuur_calendar(user=pam, today=TODAY))
    assert {str(event["location"]) for event in events} == {"De Schakel, Ouderkamer"}


def test_the_feed_url_serves_icalendar_without_login(client, booked, pam):
    token = pam.renew_calendar_token()
    response = client.get(reverse("partners:calendar-feed", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert Calendar.from_ical(response.content).walk("VEVENT")


@pytest.mark.parametrize("who", ["stranger", "coordinator", "inactive"])
def test_a_token_that_is_not_a_partners_gives_nothing(client, db, who, partner_p):
    if who == "stranger":
        token = "x" * 43
    else:
        user = UserFactory(
            username=who,
            role="coordinator" if who == "coordinator" else "partner",
            organisation=None if who == "coordinator" else partner_p,
            is_active=who != "inactive",
        )
        token = user.renew_calendar_token()
    assert client.get(reverse("partners:calendar-feed", kwargs={"token": token})).status_code == 404


def test_the_feed_runs_the_same_queries_for_ten_times_the_spreekuren(client, partner_p, pam):
    token = pam.renew_calendar_token()
    url = reverse("partners:calendar-feed", kwargs={"token": token})

    def grow(n):
        for _ in range(n):
            spreekuur = SpreekuurFactory(partner=partner_p, school=SchoolFactory(), staff=[pam])
            AppointmentFactory(spreekuur=spreekuur, date=timezone.localdate() + timedelta(days=7))

    counts = []
    for n in (1, 9):
        grow(n)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_feed_answers_not_modified_until_something_changes(client, booked, pam, werkwinkel_a):
    url = reverse("partners:calendar-feed", kwargs={"token": pam.renew_calendar_token()})
    first = client.get(url)
    etag = first["ETag"]
    assert "no-store" not in first["Cache-Control"]

    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag

    AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY, start_time=time(11, 0))
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.content != first.content
