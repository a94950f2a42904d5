"""The school calendar: the days a school is closed. Spreekuren and activities both ask here.

A school is closed on the Dutch public holidays and on the school holidays of its region
(``SchoolHoliday`` periods an administrator enters per region). Each function runs at most one
query, however many schools it is asked about.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

import holidays as holiday_calendars

from .models import School, SchoolHoliday

__all__ = ["public_holidays", "holiday_days", "closed_days_by_school", "closed_days"]


def public_holidays(start: date, end: date) -> set[date]:
    """Dutch public holidays between two dates, from the ``holidays`` package."""
    calendar = holiday_calendars.country_holidays("NL", years=range(start.year, end.year + 1))
    return {day for day in calendar if start <= day <= end}


def holiday_days(regions: Iterable[str], start: date, end: date) -> dict[str, set[date]]:
    """The school holiday days per region between two dates (one query)."""
    days: dict[str, set[date]] = defaultdict(set)
    regions = set(regions)
    if not regions:
        return days
    periods = SchoolHoliday.objects.filter(region__in=regions, start__lte=end, end__gte=start)
    for period in periods:
        day = max(period.start, start)
        while day <= min(period.end, end):
            days[period.region].add(day)
            day += timedelta(days=1)
    return days


def closed_days_by_school(schools: Iterable[School], start: date, end: date) -> dict[int, set]:
    """Days each school is closed (public and school holidays) between two dates (one query)."""
    schools = list(schools)
    public = public_holidays(start, end)
    by_region = holiday_days({school.holiday_region for school in schools}, start, end)
    return {school.pk: public | by_region[school.holiday_region] for school in schools}


def closed_days(school: School, start: date, end: date) -> set[date]:
    """Days ``school`` is closed between two dates (one query)."""
    return closed_days_by_school([school], start, end)[school.pk]
