"""The iCalendar feed of a staff member's spreekuren: where and when, never who or why."""

import hashlib
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

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


def spreekuur_calendar(*, user=None, today: date | None = None, found=None) -> bytes:
    """The user's spreekuren as iCalendar: school, room and number of appointments only."""
    if found is None:
        found = calendar_feed_occurrences(user=user, today=today)
    stamp = timezone.now()
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
        event.add("dtstamp", stamp)
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
            event.add(
                "description",
                ngettext(
                    "%(count)s appointment booked",
                    "%(count)s appointments booked",
                    occurrence.appointment_count,
                )
                % {"count": occurrence.appointment_count},
            )
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
