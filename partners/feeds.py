"""The iCalendar feed of a staff member's spreekuren: where and when, never who or why."""

import hashlib
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event
from icalendar.parser import escape_char, foldline

from .constants import FEED_DAYS_AHEAD, FEED_DAYS_BACK
from .selectors import calendar_occurrences

__all__ = ["calendar_feed_occurrences", "calendar_etag", "spreekuur_calendar"]


def calendar_feed_occurrences(*, user, today: date | None = None) -> list:
    """What the feed shows: the occurrences from four weeks back to half a year ahead."""
    today = today or timezone.localdate()
    return calendar_occurrences(
        user=user,
        start=today - timedelta(days=FEED_DAYS_BACK),
        end=today + timedelta(days=FEED_DAYS_AHEAD),
    )


def calendar_etag(found: list) -> str:
    """A fingerprint of everything the feed text is made of, cheaper than the text itself.

    A calendar app polls every few minutes; when nothing changed it gets ``304 Not Modified``
    without the iCalendar text being built again.
    """
    digest = hashlib.sha256()
    for occurrence in found:
        spreekuur = occurrence.spreekuur
        digest.update(
            repr(
                (
                    spreekuur.pk,
                    occurrence.date,
                    spreekuur.start_time,
                    spreekuur.end_time,
                    spreekuur.partner.name,
                    spreekuur.school.name,
                    spreekuur.room,
                    occurrence.cancelled,
                    occurrence.appointment_count,
                )
            ).encode()
        )
    return f'"{digest.hexdigest()[:32]}"'


@lru_cache(maxsize=4)
def _vtimezone(tzid: str) -> str:
    """The VTIMEZONE of ``tzid`` as icalendar writes it: the same for every feed, so built once
    per process (building it is most of what icalendar spent on a feed)."""
    calendar = Calendar()
    event = Event()
    event.add("dtstart", datetime(2000, 1, 1, tzinfo=ZoneInfo(tzid)))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.walk("VTIMEZONE")[0].to_ical().decode()


def _line(name: str, value: str) -> str:
    # RFC 5545 3.1: lines longer than 75 octets are folded; 3.3.11: TEXT is escaped.
    # icalendar's own functions, so that the text is what icalendar would write.
    return foldline(f"{name}:{escape_char(value)}")


def spreekuur_calendar(*, user=None, today: date | None = None, found=None) -> bytes:
    """The user's spreekuren as iCalendar: school, room and number of appointments only.

    Written line by line rather than through icalendar's Calendar and Event objects, which cost
    about 0.2 ms per event (a feed holds a few hundred); the lines, their order, escaping and
    folding are what ``Calendar.to_ical`` writes for the same events
    (``tests/partners/test_feed.py`` compares the two).
    """
    if found is None:
        found = calendar_feed_occurrences(user=user, today=today)
    tzid = timezone.get_current_timezone_name()
    stamp = f"DTSTAMP:{timezone.now().astimezone(UTC):%Y%m%dT%H%M%SZ}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Familieschool portal//spreekuren//NL",
        "CALSCALE:GREGORIAN",
        _line("X-WR-CALNAME", _("Consultation hours")),
    ]
    summary_text, cancelled_text = (
        _("Consultation hour %(partner)s at %(school)s"),
        _("Cancelled: %(summary)s"),
    )
    descriptions = {}
    for occurrence in found:
        spreekuur = occurrence.spreekuur
        summary = summary_text % {
            "partner": spreekuur.partner.name,
            "school": spreekuur.school.name,
        }
        if occurrence.cancelled:
            summary = cancelled_text % {"summary": summary}
        day = f"{occurrence.date:%Y%m%d}"
        lines += [
            "BEGIN:VEVENT",
            _line("SUMMARY", summary),
            f"DTSTART;TZID={tzid}:{day}T{spreekuur.start_time:%H%M%S}",
            f"DTEND;TZID={tzid}:{day}T{spreekuur.end_time:%H%M%S}",
            stamp,
            _line("UID", f"spreekuur-{spreekuur.pk}-{day}@familieschool"),
        ]
        if not occurrence.cancelled:
            count = occurrence.appointment_count
            if count not in descriptions:
                descriptions[count] = _line(
                    "DESCRIPTION",
                    ngettext("%(count)s appointment booked", "%(count)s appointments booked", count)
                    % {"count": count},
                )
            lines.append(descriptions[count])
        place = ", ".join(part for part in (spreekuur.school.name, spreekuur.room) if part)
        lines += [
            _line("LOCATION", place),
            "STATUS:CANCELLED" if occurrence.cancelled else "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    if found:
        lines.append(_vtimezone(tzid).rstrip("\r\n"))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()
