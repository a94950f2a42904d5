"""The export per funding source, so that a school can account for each subsidy.

One row per funding source and school (then per board and the total): the activities it paid
for with a session held in the period (names, with the share or amount each gets from it), the
indicators ``activiteiten_per_financier``, ``bijeenkomsten_per_financier``,
``deelnames_per_financier`` and ``deelnemers_per_financier`` of the reach report (with its
small-count suppression, so the two downloads hide the same cells), and the budgets of the
source for the school in the school years the period touches.

CSV: UTF-8, comma, the header ``FUNDING_HEADER``; ``periode`` is the period's label as in the
reach CSV's ``schooljaar`` column (``2024/2025``, ``2024``, ``2024-01-01/2024-06-30``); a hidden
count is ``<K``; ``budget`` is a number with a dot as decimal mark, empty without a budget.
XLSX: the same rows on a sheet "Per financier", and a sheet "Scholen per financier" with the
number of schools that used or budgeted each source (the shape of seed 003 table 7.1).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from activiteiten.models import ActivityFunding, FundingBudget, Session
from familieschool.exports import csv_bytes, xlsx_bytes

from .exports import CONTENT_TYPES, FORMATS, ReachExport
from .reach import BOARD_PREFIX, LEVEL_SCHOOL, TOTAL, Period, ReachRow, reach_report
from .reach.counting import school_queryset
from .reach.definitions import (
    ACTIVITIES_PER_FUNDER,
    ATTENDANCE_PER_FUNDER,
    PARTICIPANTS_PER_FUNDER,
    SESSIONS_PER_FUNDER,
)

__all__ = ["FUNDING_HEADER", "FundingRow", "funding_export", "funding_rows"]

logger = logging.getLogger(__name__)

FUNDING_HEADER = [
    "periode",
    "financier",
    "school",
    "activiteiten",
    "aantal_activiteiten",
    "bijeenkomsten",
    "deelnames",
    "unieke_deelnemers",
    "budget",
    "budget_schooljaren",
]
COUNTED = (
    ACTIVITIES_PER_FUNDER,
    SESSIONS_PER_FUNDER,
    ATTENDANCE_PER_FUNDER,
    PARTICIPANTS_PER_FUNDER,
)


@dataclass(frozen=True)
class FundingRow:
    period: str
    source: str
    school: str
    level: str
    # "Koffieochtend (50%); Taalles" : the activities with a session held, at a school's row.
    activities: str
    # The reach rows of COUNTED, in that order (None: nothing counted for this source there).
    counts: tuple[ReachRow | None, ...]
    budget: Decimal | None
    budget_years: str

    def values(self) -> list:
        """The cells in the order of FUNDING_HEADER: hidden counts as ``<K``."""
        counts = [
            0 if row is None else (row.waarde if row.hidden else row.value) for row in self.counts
        ]
        budget = "" if self.budget is None else f"{self.budget:.2f}"
        return [
            self.period,
            self.source,
            self.school,
            self.activities,
            *counts,
            budget,
            self.budget_years if self.budget is not None else "",
        ]


def _activities(period: Period, schools) -> dict[tuple[str, str], list[str]]:
    """(source, school name): its activities with a session held in the period, with the share
    or amount of each: 1 query."""
    held = Session.objects.filter(
        activity=OuterRef("activity"),
        date__gte=period.first,
        date__lte=period.last,
        cancelled=False,
    )
    rows = (
        ActivityFunding.objects.filter(activity__school__in=schools)
        .filter(Exists(held))
        .select_related("source", "activity__school")
        .order_by("source__name", "activity__school__name", "activity__title", "activity_id")
    )
    found = defaultdict(list)
    for row in rows:
        portion = f" ({row.portion})" if row.portion else ""
        found[(row.source.name, row.activity.school.name)].append(row.activity.title + portion)
    return found


def _budgets(period: Period, schools) -> dict[tuple[str, str], Decimal]:
    """(source, school name): the budgets of the school years the period touches: 1 query."""
    rows = (
        FundingBudget.objects.filter(school__in=schools, school_year__in=period.school_years())
        .values("source__name", "school__name")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {(row["source__name"], row["school__name"]): row["total"] for row in rows}


def funding_rows(
    *, period: Period, schools=None, min_cell: int = 0, scope=None, kept: bool = False
) -> list[FundingRow]:
    """The rows per funding source and school, board and total of ``schools`` in ``period``.

    ``min_cell``, ``scope`` and ``kept`` as for ``reach_report``: the counts are its rows."""
    chosen = school_queryset(schools)
    report = reach_report(
        period.school_year,
        period=period,
        schools=chosen,
        min_cell=min_cell,
        previous=False,
        scope=scope,
        kept=kept,
    )
    counted = {row.key: row for row in report.rows if row.indicator in COUNTED}
    entities = list(dict.fromkeys((row.school, row.level) for row in report.rows))
    activities = _activities(period, chosen)
    budgets = _budgets(period, chosen)
    members = _members(chosen)
    sources = sorted({key[2] for key in counted} | {source for source, _school in budgets})
    years = ", ".join(period.school_years())
    rows = []
    for source in sources:
        for name, level in entities:
            counts = tuple(counted.get((name, code, source)) for code in COUNTED)
            schools_in = [name] if level == LEVEL_SCHOOL else members.get(name, [])
            found = [
                budgets[(source, school)] for school in schools_in if (source, school) in budgets
            ]
            budget = sum(found, Decimal(0)) if found else None
            if budget is None and all(row is None or row.value == 0 for row in counts):
                continue
            rows.append(
                FundingRow(
                    period=report.label,
                    source=source,
                    school=name,
                    level=level,
                    activities="; ".join(activities.get((source, name), []))
                    if level == LEVEL_SCHOOL
                    else "",
                    counts=counts,
                    budget=budget,
                    budget_years=years,
                )
            )
    return rows


def _members(schools) -> dict[str, list[str]]:
    """The school names of each board row (``bestuur: <name>``) and of the total: 1 query."""
    members = defaultdict(list)
    for name, board in schools.values_list("name", "board__name").order_by("name"):
        members[BOARD_PREFIX + board].append(name)
        members[TOTAL].append(name)
    return members


def funding_export(
    *, period: Period, schools=None, min_cell: int = 0, fmt: str = "csv", scope=None, kept=False
) -> ReachExport:
    """The export per funding source of ``period`` as a CSV or XLSX file."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    rows = funding_rows(period=period, schools=schools, min_cell=min_cell, scope=scope, kept=kept)
    with translation.override("nl"):
        content = _csv(rows) if fmt == "csv" else _xlsx(rows)
    export = ReachExport(
        content=content,
        filename=f"financiers_{period.label.replace('/', '-')}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        rows=len(rows),
        frozen=False,
    )
    logger.info(
        "funding export %s %s: %d rows, min_cell %d", period.label, fmt, len(rows), min_cell
    )
    return export


def _csv(rows: list[FundingRow]) -> bytes:
    return csv_bytes([row.values() for row in rows], header=FUNDING_HEADER)


def schools_per_source(rows: list[FundingRow]) -> dict[str, int]:
    """How many schools used (an activity held) or budgeted each source: seed 003 table 7.1."""
    found = defaultdict(set)
    for row in rows:
        counted = row.counts[0] is not None and (row.counts[0].hidden or row.counts[0].value)
        if row.level == LEVEL_SCHOOL and (counted or row.budget is not None):
            found[row.source].add(row.school)
    return {source: len(schools) for source, schools in sorted(found.items())}


def _xlsx(rows: list[FundingRow]) -> bytes:
    header = [
        _("Period"),
        _("Funding source"),
        _("School"),
        _("Activities (share or amount)"),
        _("Activities per funding source"),
        _("Sessions held per funding source"),
        _("Attendance per funding source (named and anonymous)"),
        _("Unique participants per funding source (named)"),
        _("Budget (EUR)"),
        _("Budget of the school years"),
    ]
    cells = []
    for row in rows:
        values = row.values()
        if row.budget is not None:
            values[8] = float(row.budget)
        cells.append(values)
    overview = [[source, count] for source, count in schools_per_source(rows).items()]
    return xlsx_bytes(
        {
            _("Per funding source"): (header, cells),
            _("Schools per funding source"): ([_("Funding source"), _("Schools")], overview),
        }
    )
