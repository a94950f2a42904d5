"""Weeks as the pages name them: ``?week=2026-W48`` (ISO week) or any date inside the week."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def monday_of(day: date) -> date:
    """The Monday of the week ``day`` falls in."""
    return day - timedelta(days=day.weekday())


def parse_week(value: str | None, *, today: date | None = None) -> date:
    """The Monday of the week named by ``value``; the current week when it cannot be read."""
    today = today or timezone.localdate()
    value = (value or "").strip()
    if value:
        try:
            if "W" in value.upper():
                year, week = value.upper().split("-W")
                monday = date.fromisocalendar(int(year), int(week), 1)
            else:
                monday = monday_of(date.fromisoformat(value))
        except ValueError:
            pass
        else:
            # Pages link to the weeks around it: year 1 or 9999 would overflow there.
            if date.min + timedelta(days=7) <= monday <= date.max - timedelta(days=14):
                return monday
    return monday_of(today)


def week_label(monday: date) -> str:
    """The ISO name of a week, e.g. ``2026-W48``."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def local_datetime(day: date, at: time) -> datetime:
    """A wall-clock time on a day, made aware in the portal's time zone (summer time aware)."""
    return timezone.make_aware(datetime.combine(day, at))
