"""The calendar feed, parsed back with icalendar: where and when, never who or why."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from familieschool.constants import Weekday
from partners.constants import AppointmentStatus
from partners.feeds import calendar_feed_occurrences, spreekuur_calendar
from partners.services import appointment_set_status
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

    booked_now = AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY, start_time=time(11, 0))
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert description_on(changed.content, MONDAY) == "3 afspraken geboekt"

    appointment_set_status(user=pam, appointment=booked_now, status=AppointmentStatus.CANCELLED)
    cancelled = client.get(url, headers={"If-None-Match": changed["ETag"]})
    assert cancelled.status_code == 200
    # The same events as before the booking: the same tag, since it digests what the text says.
    assert cancelled["ETag"] == etag
    assert description_on(cancelled.content, MONDAY) == "2 afspraken geboekt"


def description_on(body: bytes, day: date) -> str:
    (event,) = [e for e in events_of(body) if e.decoded("dtstart").date() == day]
    return str(event["description"])


def icalendar_reference(found: list) -> bytes:
    """The feed as it was built with icalendar's Calendar and Event objects (until November
    2026), kept here as the reference that the line-by-line writer must match."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext
    from icalendar import Event

    calendar = Calendar()
    calendar.add("prodid", "-//Familieschool portal//spreekuren//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Consultation hours"))
    for occurrence in found:
        spreekuur = occurrence.spreekuur
        summary = _("Consultation hour %(partner)s at %(school)s") % {
            "partner": spreekuur.partner.name,
            "school": spreekuur.school.name,
        }
        event = Event()
        event.add("uid", f"spreekuur-{spreekuur.pk}-{occurrence.date:%Y%m%d}@familieschool")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", occurrence.starts_at)
        event.add("dtend", occurrence.ends_at)
        place = (spreekuur.school.name, spreekuur.room)
        event.add("location", ", ".join(part for part in place if part))
        if occurrence.cancelled:
            event.add("summary", _("Cancelled: %(summary)s") % {"summary": summary})
            event.add("status", "CANCELLED")
        else:
            event.add("summary", summary)
            event.add("status", "CONFIRMED")
            count = occurrence.appointment_count
            event.add(
                "description",
                ngettext("%(count)s appointment booked", "%(count)s appointments booked", count)
                % {"count": count},
            )
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def without_dtstamp(body: bytes) -> bytes:
    """The feed without its DTSTAMP lines: the moment it was written, not what it says."""
    return b"".join(
        line for line in body.splitlines(keepends=True) if not line.startswith(b"DTSTAMP:")
    )


def test_the_feed_text_is_what_icalendar_writes_for_the_same_events(
    booked, pam, partner_p, school_a
):
    """Names with the characters iCalendar escapes and long enough to fold, one with accents
    (a fold must not split a character's bytes), over the clock change and a cancelled date."""
    partner_p.name = r"Buurtteam Jeugd & Gezin; Noord, Oost \ West"
    partner_p.save()
    school_a.name = "Openbare basisschool Dé Kloppende Vaart-Schakel van Overvecht-Noord, ëën"
    school_a.save()
    SpreekuurFactory(
        partner=partner_p,
        school=school_a,
        weekday=Weekday.WEDNESDAY,
        start_time=time(13, 30),
        end_time=time(15, 45),
        room="Lokaal 3; boven, links",
        staff=[pam],
    )
    found = calendar_feed_occurrences(user=pam, today=date(2026, 10, 12))
    assert len(found) > 40

    written = spreekuur_calendar(found=found)
    reference = icalendar_reference(found)

    assert without_dtstamp(written) == without_dtstamp(reference)
    assert max(len(line) for line in written.split(b"\r\n")) <= 75
    assert b"\\;" in written and b"\\," in written and b"\\\\" in written
    assert b"\r\n " in written  # folded
    events, expected = events_of(written), events_of(reference)
    fields = ("uid", "summary", "status", "description", "location")
    assert [
        ({f: str(e.get(f)) for f in fields}, e.decoded("dtstart"), e.decoded("dtend"))
        for e in events
    ] == [
        ({f: str(e.get(f)) for f in fields}, e.decoded("dtstart"), e.decoded("dtend"))
        for e in expected
    ]
    assert {str(e.decoded("dtstart").tzinfo) for e in events} == {"Europe/Amsterdam"}
    assert {e.decoded("dtstamp").utcoffset() for e in events} == {timedelta(0)}
    assert Calendar.from_ical(written).walk("VTIMEZONE")[0].to_ical() == (
        Calendar.from_ical(reference).walk("VTIMEZONE")[0].to_ical()
    )


def test_a_feed_without_spreekuren_is_an_empty_calendar(pam):
    body = spreekuur_calendar(user=pam, today=TODAY)
    assert without_dtstamp(body) == without_dtstamp(icalendar_reference([]))
    assert Calendar.from_ical(body).walk("VEVENT") == []
