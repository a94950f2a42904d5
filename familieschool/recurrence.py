"""Occurrences of a recurring schedule: one pure function, shared by spreekuren and activities.

No database access here: callers pass the days to skip (``familieschool.calendar``, cancellations).
"""

from collections.abc import Collection
from datetime import date, timedelta
from typing import Protocol

from .constants import Recurrence


class Schedule(Protocol):
    weekday: int
    recurrence: str
    nth: int | None
    valid_from: date
    valid_until: date | None


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The nth (1-4, or -1 for the last) ``weekday`` of a month."""
    if nth == -1:
        next_month = date(year + (month == 12), month % 12 + 1, 1)
        last = next_month - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else None


def occurrences(
    schedule: Schedule, start: date, end: date, *, skip: Collection[date] = ()
) -> list[date]:
    """The dates from ``start`` to ``end`` (inclusive) on which ``schedule`` takes place."""
    first = max(start, schedule.valid_from)
    last = min(end, schedule.valid_until) if schedule.valid_until else end
    if first > last:
        return []
    if schedule.recurrence == Recurrence.ONCE:
        days = [schedule.valid_from] if first <= schedule.valid_from <= last else []
    elif schedule.recurrence == Recurrence.MONTHLY_NTH:
        days = []
        year, month = first.year, first.month
        while date(year, month, 1) <= last:
            day = _nth_weekday(year, month, schedule.weekday, schedule.nth or 1)
            if day and first <= day <= last:
                days.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        step = 14 if schedule.recurrence == Recurrence.BIWEEKLY else 7
        # Every-other-week schedules count their weeks from the (Monday-based) week of
        # valid_from, so the anchor is that week's weekday even when it lies before valid_from
        # (it is then not an occurrence itself, but it keeps the on-weeks in step).
        anchor = schedule.valid_from + timedelta(
            days=schedule.weekday - schedule.valid_from.weekday()
        )
        if anchor < first:
            anchor += timedelta(days=-(-(first - anchor).days // step) * step)
        days = []
        day = anchor
        while day <= last:
            days.append(day)
            day += timedelta(days=step)
    skipped = set(skip)
    return [day for day in days if day not in skipped]
