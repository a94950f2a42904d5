"""The reach figures (bereik): per school, per board and in total.

One module per job:

- ``definitions``: the indicator codes (constants), their groups and relations, and the plain
  data passed along (``SchoolInfo``, ``Figures``, ``ReachRow``);
- ``counting``: counting the figures of a ``Period`` in the database, and reading frozen ones;
- ``suppression``: which small counts to hide, and which other cells with them;
- ``rows``: from figures to rows: board and total sums, percentages, suppression, narrowing;
- ``report``: the entry points ``reach_report`` and ``reach_rows``.

How the figures are counted:

- A school year runs from 1 August to 31 July, by the local date in Europe/Amsterdam: a contact
  on 31 July at 23:30 belongs to the year that ends that day.
- Events (contacts, referrals, sessions, attendance) count at the school where they happened.
- People (families, parents, children) count once per school year, at their own family's
  school, whichever route reached them (contact, attended appointment, named attendance).
  A family belongs to one school, so the sums over schools, boards and the total stay distinct
  counts even when a parent also came to an activity at another school.
- The database does all counting (COUNT, COUNT DISTINCT, conditional aggregation, and
  IN-subqueries over the routes, so that a family reached twice counts once); Python only
  arranges the few hundred aggregated numbers into rows, totals and percentages.
- A frozen year (``ReachSnapshot``) is read from its snapshot instead of the live records.

Small counts: with ``min_cell=K`` every count from 1 to K-1 is hidden (shown as ``<K``), and
then more cells are hidden until no sum a reader can redo (the board and total rows over the
schools, a school's contacts over the months, languages and sources, a figure's total row over
its categories) shows exactly one hidden cell or hidden parts that add up to less than K under
a visible total (``suppression``; docs/indicators.md, "Onderdrukking"). A percentage is hidden
with its count; a change against last year is only shown when both years are.
"""

from .counting import Period, base_keys, frozen_figures, live_figures, month_labels, year_bounds
from .definitions import (
    BOARD_PREFIX,
    BREAKDOWNS,
    BY_CODE,
    GROUPS,
    INDICATORS,
    LEVEL_BOARD,
    LEVEL_BREAKDOWN,
    LEVEL_SCHOOL,
    LEVEL_TOTAL,
    MONTHS,
    TOTAL,
    Figures,
    Indicator,
    ReachRow,
    SchoolInfo,
)
from .report import ReachReport, reach_report, reach_rows
from .rows import build_rows

__all__ = [
    "BOARD_PREFIX",
    "BREAKDOWNS",
    "BY_CODE",
    "GROUPS",
    "INDICATORS",
    "LEVEL_BOARD",
    "LEVEL_BREAKDOWN",
    "LEVEL_SCHOOL",
    "LEVEL_TOTAL",
    "MONTHS",
    "TOTAL",
    "Figures",
    "Indicator",
    "Period",
    "ReachReport",
    "ReachRow",
    "SchoolInfo",
    "base_keys",
    "build_rows",
    "frozen_figures",
    "live_figures",
    "month_labels",
    "reach_report",
    "reach_rows",
    "year_bounds",
]
