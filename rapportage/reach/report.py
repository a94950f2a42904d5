"""The public entry points: a school year's report (with last year's, for the changes)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from familieschool.schoolyear import SchoolYear

from .counting import Period, frozen_figures, live_figures, merged_figures, school_queryset
from .definitions import CONTACTS_PER_MONTH, SPARSE, Figures, ReachRow
from .kept import kept_figures, overdue, reach_count_refresh
from .rows import build_rows, rows_digest


@dataclass
class ReachReport:
    school_year: SchoolYear
    rows: list[ReachRow]
    min_cell: int = 0
    frozen_at: datetime | None = None
    previous_rows: list[ReachRow] = field(default_factory=list)
    previous_frozen_at: datetime | None = None
    # When the (not frozen) figures were counted, for kept figures; None: counted just now.
    counted_at: datetime | None = None
    # The period's label when it is not the school year (a calendar year, a from-to period).
    period_label: str | None = None
    # While the year is under way, last year is counted up to the same day (see
    # ``same_period_last_year``): the last day counted; None when it is the whole year.
    previous_until: date | None = None
    # The days counted when they are not the school year (a calendar year, a from-to period).
    period: Period | None = None
    # A digest of everything the rows and previous rows are built from (see ``rows_digest``):
    # equal digests, equal reports, so what is shaped from the rows can be remembered by it.
    digest: str = ""

    def __post_init__(self):
        self._previous = {row.key: row for row in self.previous_rows}

    @property
    def label(self) -> str:
        """The ``schooljaar`` column: the school year, or the other period asked for."""
        return self.period_label or self.school_year.label

    @property
    def previous_label(self) -> str | None:
        """The year the changes are against; None for a period other than a school year."""
        return None if self.period_label else self.school_year.previous().label

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def previous(self, row: ReachRow) -> ReachRow | None:
        """The same figure last year (the same month for months; 0 for an unlisted partner)."""
        key = row.key
        if row.indicator == CONTACTS_PER_MONTH and row.category:
            year, month = row.category.split("-")
            key = (row.school, CONTACTS_PER_MONTH, f"{int(year) - 1}-{month}")
        found = self._previous.get(key)
        if (
            found is None
            and row.indicator in SPARSE
            and (row.school, row.indicator, "") in (self._previous)
        ):
            found = ReachRow(
                school_year=self.school_year.previous().label,
                school=row.school,
                indicator=row.indicator,
                category=row.category,
                value=0,
                level=row.level,
                min_cell=row.min_cell,
            )
        return found

    def change(self, row: ReachRow) -> int | Decimal | None:
        """This year minus last year; None when either is hidden or unknown."""
        before = self.previous(row)
        if before is None or row.shown is None or before.shown is None:
            return None
        return row.shown - before.shown


def _coerce_year(school_year) -> SchoolYear:
    if isinstance(school_year, SchoolYear):
        return school_year
    return SchoolYear.parse(str(school_year))


def _figures(year: SchoolYear, schools, snapshots: dict, live: bool, kept: bool) -> Figures:
    snapshot = None if live else snapshots.get(year.label)
    if snapshot is None:
        return _counted(year, schools, kept)
    frozen = frozen_figures(snapshot, schools)
    # A school added after the year was frozen is counted live rather than left out.
    missing = school_queryset(schools).exclude(pk__in=[school.id for school in frozen.schools])
    if not missing.exists():
        return frozen
    return merged_figures(frozen, live_figures(year, missing))


def _counted(year: SchoolYear, schools, kept: bool, period: Period | None = None) -> Figures:
    """Figures that are not frozen: the kept count's (see ``kept``) or counted now.

    ``period`` is part of the year (by default all of it)."""
    period = period or Period.of(year)
    if not kept:
        return live_figures(year, schools, period=period)
    found = kept_figures(year, schools, period=period)
    if found is None:
        # A year (or the same period last year, once a day) nobody asked for yet: counted
        # once here, then kept.
        reach_count_refresh(period=period)
        found = kept_figures(year, schools, period=period)
    elif overdue(found.counted_at):
        # No beat (make run): the page's "every 5 minutes" is kept by its readers.
        reach_count_refresh(period=period, only_if_changed=True)
        found = kept_figures(year, schools, period=period)
    return found


def same_period_last_year(year: SchoolYear, today: date) -> Period | None:
    """Last year from its first day to the day a year before ``today``, while ``year`` is under
    way; None once it has ended (or before it begins). Comparing an unfinished year with the
    whole of the last one would show every figure falling."""
    if not (year.start <= today <= year.end):
        return None
    previous = year.previous()
    try:
        last = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        last = today.replace(year=today.year - 1, day=28)
    return Period(previous.start, last)


def reach_report(
    school_year,
    *,
    schools=None,
    min_cell: int = 0,
    live: bool = False,
    previous: bool = True,
    scope=None,
    kept: bool = False,
    period: Period | None = None,
    breakdown: str | None = None,
) -> ReachReport:
    """The year's rows (and last year's, for the changes), from the snapshot when frozen.

    While the year is under way, last year is counted over the same period only.

    ``scope`` is every school the reader may see (``schools`` among them): small counts are
    then hidden as in the report of the whole scope (see ``build_rows``). With ``kept`` the
    figures that are not frozen come from the kept count (see ``kept``), as of its
    ``counted_at``; without, they are counted now.

    With ``period`` (a calendar year or any from-to period; ``school_year`` is then ignored)
    the figures are those of that period, without last year's: pupils and families are those
    of the school year of the period's first day (see docs/indicators.md). With ``kept`` a
    calendar year comes from its kept count; any other period is counted now.

    With ``breakdown`` (a key of ``definitions.BREAKDOWNS``) the rows of its groups of schools
    ("soort: po", "wijk: Overvecht"...) follow the boards'.
    """
    from ..models import ReachSnapshot

    if period is not None and period != Period.of(period.school_year):
        return _period_report(period, schools, min_cell, scope, breakdown, kept)
    if period is not None:
        school_year = period.school_year
    year = _coerce_year(school_year)
    years = [year, year.previous()] if previous else [year]
    snapshots = {
        snapshot.school_year: snapshot
        for snapshot in ReachSnapshot.objects.filter(school_year__in=[y.label for y in years])
    }
    only = None
    if scope is not None and min_cell > 1:
        only = set(school_queryset(schools).values_list("pk", flat=True))
        schools = scope
    current = _figures(year, schools, snapshots, live, kept)
    before, until = None, None
    if previous:
        partial = same_period_last_year(year, timezone.localdate())
        if partial is not None:
            before, until = _counted(year.previous(), schools, kept, partial), partial.last
        else:
            before = _figures(year.previous(), schools, snapshots, live, kept)
    digests = [rows_digest(current, min_cell, breakdown)]
    digests.append(rows_digest(before, min_cell, breakdown) if before else "")
    return ReachReport(
        school_year=year,
        rows=build_rows(current, min_cell, only, breakdown, digests[0]),
        min_cell=min_cell,
        frozen_at=current.frozen_at,
        previous_rows=build_rows(before, min_cell, only, breakdown, digests[1]) if before else [],
        previous_frozen_at=before.frozen_at if before else None,
        counted_at=current.counted_at,
        previous_until=until,
        digest=_report_digest(
            *digests, only, until, current.frozen_at, before.frozen_at if before else None
        ),
    )


def _report_digest(*parts) -> str:
    """The rows' digests with what else shapes the report (the schools shown, last year's
    last day, the frozen times)."""
    normalised = [sorted(part) if isinstance(part, set) else part for part in parts]
    return hashlib.sha256(repr(normalised).encode()).hexdigest()


def _period_report(
    period: Period, schools, min_cell: int, scope, breakdown, kept: bool
) -> ReachReport:
    """A calendar year or any from-to period. With ``kept`` a calendar year comes from its kept
    count (counted once on the first request, then recounted like an older school year); any
    other period is counted now (see docs/performance.md, kept counts)."""
    only = None
    if scope is not None and min_cell > 1:
        only = set(school_queryset(schools).values_list("pk", flat=True))
        schools = scope
    if kept and period == Period.calendar_year(period.first.year):
        figures = _counted(period.school_year, schools, True, period)
        figures.period_label = period.label  # the rows' ``schooljaar`` column
    else:
        figures = live_figures(period.school_year, schools, period=period)
    digest = rows_digest(figures, min_cell, breakdown)
    return ReachReport(
        school_year=period.school_year,
        rows=build_rows(figures, min_cell, only, breakdown, digest),
        min_cell=min_cell,
        period_label=period.label,
        counted_at=figures.counted_at,
        period=period,
        digest=_report_digest(digest, only, period.label),
    )


def kept_stamps(period: Period, *, schools, previous: bool) -> tuple | None:
    """What ``reach_report(..., kept=True)`` for ``period`` (with last year's when ``previous``)
    reads its figures from, as (first day, last day, "frozen" or "counted", when): the stamps
    of the snapshots and kept counts, which change whenever their figures do. None when part of
    the figures would be counted at that moment instead (a from-to period, a period not kept
    yet or ``overdue``, a frozen year without one of ``schools``): 2-4 queries, none over the
    records."""
    from ..models import ReachCount, ReachSnapshot

    year = period.school_year
    if period != Period.of(year):
        if period != Period.calendar_year(period.first.year):
            return None
        parts = [(period, None)]
    else:
        parts = [(period, year.label)]
        if previous:
            # As in ``reach_report``: last year up to the same day is a kept count, never frozen.
            partial = same_period_last_year(year, timezone.localdate())
            before = year.previous()
            parts.append((partial, None) if partial else (Period.of(before), before.label))
    labels = [label for _period, label in parts if label]
    snapshots = {
        snapshot.school_year: snapshot
        for snapshot in ReachSnapshot.objects.filter(school_year__in=labels)
    }
    wanted = [(part.first, part.last) for part, label in parts if label not in snapshots]
    counted = {}
    if wanted:
        kept = Q()
        for first, last in wanted:
            kept |= Q(first_day=first, last_day=last)
        counted = {
            (first, last): at
            for first, last, at in ReachCount.objects.filter(kept).values_list(
                "first_day", "last_day", "counted_at"
            )
        }
    stamps = []
    for part, label in parts:
        snapshot = snapshots.get(label)
        if snapshot is not None:
            # A school missing from the snapshot is counted live (see ``_figures``).
            if (
                school_queryset(schools)
                .exclude(pk__in=snapshot.schools.values("school_id"))
                .exists()
            ):
                return None
            stamps.append((part.first, part.last, "frozen", snapshot.frozen_at))
        elif (part.first, part.last) in counted and not overdue(counted[(part.first, part.last)]):
            stamps.append((part.first, part.last, "counted", counted[(part.first, part.last)]))
        else:
            return None
    return tuple(stamps)


def reach_rows(school_year, schools=None, min_cell: int = 0, live: bool = False) -> list[ReachRow]:
    """The figures of one school year as plain rows (from its snapshot when it is frozen)."""
    return reach_report(
        school_year, schools=schools, min_cell=min_cell, live=live, previous=False
    ).rows
