"""From counted figures to plain rows: totals per board and overall, percentages and suppression."""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings

from . import suppression
from .definitions import (
    BOARD_PREFIX,
    BREAKDOWNS,
    BY_CODE,
    CHILDREN_PER_PROGRAMME,
    INDICATORS,
    LEVEL_BOARD,
    LEVEL_BREAKDOWN,
    LEVEL_SCHOOL,
    LEVEL_TOTAL,
    PARTITIONS,
    PER_PROGRAMME,
    PUPILS_PER_PROGRAMME,
    SPARSE,
    TOTAL,
    Figures,
    Indicator,
    ReachRow,
    SchoolInfo,
    breakdown_group,
)

ONE_DECIMAL = Decimal("0.1")

# Built rows are remembered (see ``_remembered_rows``) under a digest that includes this
# module's code and that of the rules it applies, so a deploy never serves rows built by older
# rules from a shared cache.
ROWS_VERSION = hashlib.sha256(
    b"".join(
        (Path(__file__).parent / name).read_bytes()
        for name in ("rows.py", "suppression.py", "definitions.py")
    )
).hexdigest()


@dataclass(frozen=True)
class _Entity:
    """A row's subject: a school, a board, a breakdown's group or the total, with the schools
    it adds up."""

    level: str
    name: str
    members: list[SchoolInfo]
    # For a breakdown's group: the breakdown ("soort", "wijk"...).
    breakdown: str = ""

    def denominator(self, kind: str) -> int | None:
        """The members' pupils or families together; None when one of them is unknown."""
        counts = [getattr(school, kind) for school in self.members]
        if not counts or any(count is None for count in counts):
            return None
        return sum(counts)


def build_rows(
    figures: Figures,
    min_cell: int = 0,
    only: set[int] | None = None,
    breakdown: str | None = None,
    digest: str | None = None,
) -> list[ReachRow]:
    """Totals per board and overall, percentages and small-count suppression: plain rows.

    With ``breakdown`` (a key of ``BREAKDOWNS``) the rows of its groups of schools follow the
    boards'. Small counts are hidden as in the rows of every breakdown at once, whichever is
    shown, so that two breakdowns of one report cannot be combined to work out a hidden cell.

    With ``only`` (some of the schools' ids) the rows are those of these schools cut from the
    report of all of them: what is hidden there stays hidden, so that no two selections can be
    subtracted. A board stays when all its schools are chosen; the total becomes that of the
    one whole board chosen, or unknown.
    """
    rows = _remembered_rows(figures, min_cell, breakdown, digest)
    if only is None or only >= {school.id for school in figures.schools}:
        return rows
    return _narrow(rows, figures, only)


def rows_digest(figures: Figures, min_cell: int, breakdown: str | None) -> str:
    """A digest of everything ``_build_rows`` reads: equal digests, equal rows."""
    return hashlib.sha256(
        pickle.dumps(
            (
                ROWS_VERSION,
                figures.label,
                figures.schools,
                sorted(figures.values.items()),
                sorted((code, list(names)) for code, names in figures.categories.items()),
                sorted(figures.absent),
                min_cell,
                breakdown,
            ),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
    ).hexdigest()


def _remembered_rows(
    figures: Figures, min_cell: int, breakdown: str | None, digest: str | None = None
) -> list[ReachRow]:
    """``_build_rows``, remembered in this process under a digest of everything it reads.

    The rows are a pure function of the figures (aggregates only, never a person), so a kept
    count read again by the next reader of the dashboard gets the rows without redoing the
    totals and the suppression (most of the page's time at city scale). Any change in a
    figure, a school's details, the threshold or the breakdown is another digest: a remembered
    row is never older than the figures it was built from."""
    digest = digest or rows_digest(figures, min_cell, breakdown)
    rows = REMEMBERED.get(digest)
    if rows is None:
        rows = tuple(_build_rows(figures, min_cell, breakdown))
        REMEMBERED.put(digest, rows)
    return list(rows)


class Remembered:
    """The last ``size`` values of this process by digest, most recently used kept: built rows
    here, the dashboard's rendered tables in ``rapportage.dashboard``, a kept count's unpacked
    values in ``reach.kept``.

    Not Django's LocMem cache: that pickles every value, and reading a city's 10,000 rows back
    cost 36 ms of unpickling per read, twice per dashboard view (this year and last), more than
    the rows' totals. The rows are frozen dataclasses kept in a tuple, so a reader gets a new
    list of the same rows and cannot change what the next reader gets.
    """

    def __init__(self, size: int):
        self.size = size
        self._rows: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str):
        with self._lock:
            rows = self._rows.get(digest)
            if rows is not None:
                self._rows.move_to_end(digest)
            return rows

    def put(self, digest: str, rows) -> None:
        with self._lock:
            self._rows[digest] = rows
            self._rows.move_to_end(digest)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


# A city's report is about 1 MB of rows; REACH_ROWS_CACHED bounds how many a process keeps.
REMEMBERED = Remembered(settings.REACH_ROWS_CACHED)


def _build_rows(figures: Figures, min_cell: int, breakdown: str | None) -> list[ReachRow]:
    entities = _entities(figures.schools)
    categories = _listed_categories(figures)
    keys = list(_count_keys(categories))
    cells = _cells(figures, entities, keys, categories)
    hidden = _hidden(figures, entities, cells, categories, min_cell)
    label = figures.label
    rows = []
    for entity in entities:
        if entity.level == LEVEL_BREAKDOWN and entity.breakdown != breakdown:
            continue
        for indicator in INDICATORS:
            rows += _indicator_rows(label, entity, indicator, categories, cells, hidden, min_cell)
    return rows


def _hidden(figures: Figures, entities: list[_Entity], cells: dict, categories, min_cell: int):
    """The cells to hide, as ``suppression.table_hidden`` finds them in the table of every
    entity (row) by every ``(indicator, category)`` (column): the boards and every breakdown's
    groups are sums of their schools, the total the sum of the boards and of each breakdown."""
    if min_cell <= 1:
        return set()
    row_sums, column_sums = suppression.report_sums(figures.schools, categories)
    for breakdown in BREAKDOWNS:
        groups = [e for e in entities if e.breakdown == breakdown]
        row_sums += [(group.name, [s.name for s in group.members]) for group in groups]
        row_sums.append((TOTAL, [group.name for group in groups]))
    table = {(name, (code, category)): value for (name, code, category), value in cells.items()}
    found = suppression.table_hidden(
        table, min_cell=min_cell, row_sums=row_sums, column_sums=column_sums
    )
    return {(name, code, category) for name, (code, category) in found}


def _entities(schools: list[SchoolInfo]) -> list[_Entity]:
    """The schools (in the given order), the boards by name, every breakdown's groups, then
    the total."""
    boards = sorted({school.board for school in schools})
    return (
        [_Entity(LEVEL_SCHOOL, school.name, [school]) for school in schools]
        + [
            _Entity(
                LEVEL_BOARD,
                BOARD_PREFIX + board,
                [school for school in schools if school.board == board],
            )
            for board in boards
        ]
        + [group for breakdown in BREAKDOWNS for group in _groups(schools, breakdown)]
        + [_Entity(LEVEL_TOTAL, TOTAL, schools)]
    )


def _groups(schools: list[SchoolInfo], breakdown: str) -> list[_Entity]:
    """The groups of one breakdown, by value (years in order), the unknown ones last."""
    field = BREAKDOWNS[breakdown]
    members: dict[str, list[SchoolInfo]] = defaultdict(list)
    order: dict[str, tuple] = {}
    for school in schools:
        name = breakdown_group(breakdown, school)
        members[name].append(school)
        value = getattr(school, field)
        order[name] = (value in (None, ""), value if value not in (None, "") else 0)
    return [
        _Entity(LEVEL_BREAKDOWN, name, members[name], breakdown)
        for name in sorted(members, key=lambda name: order[name])
    ]


def _listed_categories(figures: Figures) -> dict[str, list[str]]:
    """The categories that get rows: sparse ones only where one of the schools counted some."""
    categories = dict(figures.categories)
    for code in SPARSE:
        categories[code] = [
            category
            for category in categories.get(code, [])
            if any(figures.values.get((s.id, code, category), 0) for s in figures.schools)
        ]
    # The programmes of the schools read (with pupils in their groups), whatever the children.
    categories[CHILDREN_PER_PROGRAMME] = list(categories.get(PUPILS_PER_PROGRAMME, []))
    return categories


def _own_categories(indicator: Indicator, categories: dict[str, list[str]]) -> list[str]:
    """An indicator's categories in its rows: "" for its one number or sum, then each one."""
    own = []
    if not indicator.categorised or indicator.with_total:
        own.append("")
    if indicator.categorised:
        own += categories.get(indicator.code, [])
    return own


def _count_keys(categories: dict[str, list[str]]):
    """Every (indicator, category) that is a count, in the order of the rows."""
    for indicator in INDICATORS:
        if not indicator.is_percentage and indicator.school_figure is None:
            for category in _own_categories(indicator, categories):
                yield indicator.code, category


def _school_value(figures: Figures, school: SchoolInfo, code, category, categories) -> int:
    """A school's count; an empty category of a partitioned or summed figure is its sum."""
    part = _PART_OF.get(code)
    if part is not None and not category:
        return sum(figures.values.get((school.id, part, c), 0) for c in categories.get(part, []))
    if category == "" and BY_CODE[code].with_total:
        return sum(figures.values.get((school.id, code, c), 0) for c in categories.get(code, []))
    return figures.values.get((school.id, code, category), 0)


# The figure each whole is the sum of (contacts: the months, the first partition listed; the
# languages add up to the same number but a frozen year may not hold them).
_PART_OF: dict[str, str] = {}
for _part, _whole in PARTITIONS.items():
    _PART_OF.setdefault(_whole, _part)


def _cells(figures: Figures, entities: list[_Entity], keys, categories) -> dict:
    """Every count of every entity: a board's and the total's are the sums of their schools."""
    per_school = {
        school.id: [_school_value(figures, school, code, cat, categories) for code, cat in keys]
        for school in figures.schools
    }
    unknown = figures.absent | {whole for whole, part in _PART_OF.items() if part in figures.absent}
    cells = {}
    for entity in entities:
        columns = [per_school[school.id] for school in entity.members]
        for index, (code, category) in enumerate(keys):
            cells[(entity.name, code, category)] = (
                None if code in unknown else sum(column[index] for column in columns)
            )
    return cells


def _percentage(numerator: int | None, denominator: int | None) -> Decimal | None:
    if not denominator or numerator is None:
        return None
    return (Decimal(numerator * 100) / Decimal(denominator)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _indicator_rows(
    label: str,
    entity: _Entity,
    indicator: Indicator,
    categories: dict,
    cells: dict,
    hidden: set,
    min_cell: int,
) -> list[ReachRow]:
    """One entity's rows of one indicator; a percentage is hidden with its count."""
    common = {"level": entity.level, "min_cell": min_cell}
    if indicator.school_figure is not None:
        value = entity.denominator(indicator.school_figure)
        return [ReachRow(label, entity.name, indicator.code, "", value, **common)]
    if indicator.code in PER_PROGRAMME:
        return _programme_rows(label, entity, indicator, categories, cells, hidden, common)
    if indicator.is_percentage:
        numerator, kind = indicator.percentage_of
        key = (entity.name, numerator, "")
        denominator = entity.denominator(kind)
        return [
            ReachRow(
                label,
                entity.name,
                indicator.code,
                "",
                _percentage(cells[key], denominator),
                hidden=key in hidden and denominator is not None,
                **common,
            )
        ]
    return [
        ReachRow(
            label,
            entity.name,
            indicator.code,
            category,
            cells[(entity.name, indicator.code, category)],
            hidden=(entity.name, indicator.code, category) in hidden,
            **common,
        )
        for category in _own_categories(indicator, categories)
    ]


def _programme_rows(label, entity, indicator, categories, cells, hidden, common) -> list[ReachRow]:
    """Per programme (every entity lists every one, as for other categories; a school without
    it has 0 pupils in its groups and no percentage): the percentage is the children over
    those pupils, hidden with the children's count."""
    rows = []
    for category in categories.get(PUPILS_PER_PROGRAMME, []):
        pupils = cells[(entity.name, PUPILS_PER_PROGRAMME, category)]
        key = (entity.name, indicator.code, category)
        if indicator.is_percentage:
            key = (entity.name, indicator.percentage_of[0], category)
            value = _percentage(cells[key], pupils)
        else:
            value = cells[key]
        rows.append(
            ReachRow(
                label,
                entity.name,
                indicator.code,
                category,
                value,
                hidden=key in hidden,
                **common,
            )
        )
    return rows


def _narrow(rows: list[ReachRow], figures: Figures, only: set[int]) -> list[ReachRow]:
    """The rows of the schools ``only`` (and of their whole boards) cut from ``rows``."""
    members: dict[str, set[int]] = defaultdict(set)
    groups: dict[str, set[int]] = defaultdict(set)
    for school in figures.schools:
        members[school.board].add(school.id)
        for breakdown in BREAKDOWNS:
            groups[breakdown_group(breakdown, school)].add(school.id)
    keep = (
        {(LEVEL_SCHOOL, school.name) for school in figures.schools if school.id in only}
        | {(LEVEL_BOARD, BOARD_PREFIX + board) for board, ids in members.items() if ids <= only}
        | {(LEVEL_BREAKDOWN, name) for name, ids in groups.items() if ids <= only}
    )
    chosen = [board for board, ids in members.items() if ids & only]
    total_from = (
        BOARD_PREFIX + chosen[0] if len(chosen) == 1 and members[chosen[0]] == only else None
    )
    by_key = {row.key: row for row in rows}
    narrowed = []
    for row in rows:
        if (row.level, row.school) in keep:
            narrowed.append(row)
        elif row.level == LEVEL_TOTAL and total_from is not None:
            board_row = by_key[(total_from, row.indicator, row.category)]
            narrowed.append(replace(board_row, school=TOTAL, level=LEVEL_TOTAL))
        elif row.level == LEVEL_TOTAL:
            narrowed.append(replace(row, value=None, hidden=False))
    return narrowed
