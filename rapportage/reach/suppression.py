"""Small-count suppression: which cells to hide so that no small count can be read or worked out.

A *cell* is any key with a count (the reach report uses ``(row, indicator, category)``). A
*relation* is a sum a reader can redo from the published figures: ``(total cell, [part
cells])``: a board over its schools, the total over the boards (or over any breakdown's rows), a
school's contacts over the months, the languages or the sources, a categorised count over its
categories. The rule, with examples, is written in docs/indicators.md ("Onderdrukking"):

1. *Primary*: every count from 1 to K-1 is hidden.
2. *Secondary*, until nothing changes, for every relation:
   a. exactly one of its cells is hidden: it would be the total minus the visible parts (or the
      sum of the parts): hide a second cell;
   b. its total is visible and its hidden parts add up to less than K (the total minus the
      visible parts): together they are a small count that can be read: hide another part
      (or, when none is left, the total).

The work grows with the number of cells and relations (a worklist: only the relations of a
cell just hidden are looked at again), never with their product.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence

from .definitions import BOARD_PREFIX, INDICATORS, PARTITIONS, TOTAL, SchoolInfo

__all__ = ["Relation", "report_sums", "suppress", "table_hidden"]

Cell = Hashable
Relation = tuple[Cell, Sequence[Cell]]


def suppress(
    cells: Mapping[Cell, int | None], relations: Iterable[Relation], min_cell: int
) -> set[Cell]:
    """The cells to hide: counts from 1 to min_cell-1, then more until no relation lets a reader
    compute a hidden cell or a small sum of hidden cells (see the module's docstring).

    A cell whose count is None (unknown, or a figure a frozen year does not hold) is never
    hidden, and a relation with such a cell is no sum a reader can redo.
    """
    if min_cell <= 1:
        return set()
    hidden = {cell for cell, value in cells.items() if value is not None and 0 < value < min_cell}
    if not hidden:
        return hidden
    unknown = {cell for cell, value in cells.items() if value is None}
    known = [
        (total, list(parts))
        for total, parts in relations
        if parts and not (unknown and unknown.intersection((total, *parts)))
    ]
    members_of: dict[Cell, list[int]] = defaultdict(list)
    for index, (total, parts) in enumerate(known):
        members_of[total].append(index)
        for part in parts:
            members_of[part].append(index)
    # Per relation, kept up to date as cells are hidden: how many of its cells are hidden, and
    # the sum of its hidden parts.
    hidden_cells = [0] * len(known)
    hidden_sum = [0] * len(known)
    for cell in hidden:
        for index in members_of.get(cell, ()):
            hidden_cells[index] += 1
            if cell != known[index][0]:
                hidden_sum[index] += cells[cell]
    queue = deque(index for index, count in enumerate(hidden_cells) if count)
    queued = [bool(count) for count in hidden_cells]
    while queue:
        index = queue.popleft()
        queued[index] = False
        total, parts = known[index]
        count = hidden_cells[index]
        # (a) its one hidden cell could be computed; (b) its hidden parts under a visible
        # total add up to a small count.
        if not (count == 1 or count > 1 and total not in hidden and hidden_sum[index] < min_cell):
            continue
        cell = _second_cell(cells, hidden, total, parts)
        hidden.add(cell)
        for other in members_of[cell]:
            hidden_cells[other] += 1
            if cell != known[other][0]:
                hidden_sum[other] += cells[cell]
            if not queued[other]:
                queued[other] = True
                queue.append(other)
    return hidden


def _second_cell(cells: Mapping, hidden: set, total: Cell, parts: list[Cell]) -> Cell:
    """The cell to hide next in a sum: the smallest visible part that is not zero (the first of
    equals); when none is left, the total itself (or, when the total is hidden, any visible
    part)."""
    visible = [(cells[part], index) for index, part in enumerate(parts) if part not in hidden]
    candidates = [found for found in visible if found[0] > 0] or (
        visible if total in hidden else []
    )
    if not candidates:
        return total
    return parts[min(candidates)[1]]


def table_hidden(
    counts: Mapping[tuple[Hashable, Hashable], int | None],
    *,
    min_cell: int,
    row_sums: Iterable[tuple[Hashable, Sequence[Hashable]]] = (),
    column_sums: Iterable[tuple[Hashable, Sequence[Hashable]]] = (),
) -> set[tuple[Hashable, Hashable]]:
    """The cells of a table of counts to hide: the one function for every table of figures.

    ``counts`` maps ``(row, column)`` to a count (a column is a category, or an ``(indicator,
    category)`` pair). ``row_sums`` lists each row that is the sum of other rows, in every
    column (``("bestuur: X", ["school A", "school B"])``, the total over the boards, over the
    school types...); ``column_sums`` each column that is the sum of other columns, in every
    row (a total over the categories; several for one column when it is split more than one
    way). A sum is a relation only where all its cells are in ``counts``.
    """
    # Which columns each row has and which rows each column has, to find in one set operation
    # the cells where a sum holds.
    columns_of: dict[Hashable, dict[Hashable, None]] = defaultdict(dict)
    rows_of: dict[Hashable, dict[Hashable, None]] = defaultdict(dict)
    for row, column in counts:
        columns_of[row][column] = None
        rows_of[column][row] = None
    relations: list[Relation] = []
    for total, members in row_sums:
        shared = set(columns_of[total])
        for member in members:
            shared &= columns_of[member].keys()
        relations += [
            ((total, column), [(member, column) for member in members])
            for column in columns_of[total]
            if column in shared
        ]
    for total, parts in column_sums:
        shared = set(rows_of[total])
        for part in parts:
            shared &= rows_of[part].keys()
        relations += [
            ((row, total), [(row, part) for part in parts])
            for row in rows_of[total]
            if row in shared
        ]
    return suppress(counts, relations, min_cell)


def report_sums(
    schools: list[SchoolInfo], categories: dict[str, list[str]]
) -> tuple[list[tuple[str, list[str]]], list[tuple[tuple[str, str], list[tuple[str, str]]]]]:
    """The sums a reader of the reach rows can redo, for ``table_hidden``: the boards over their
    schools and the total over the boards (rows); the partitions of contacts and every
    categorised count with a total row (columns ``(indicator, category)``)."""
    boards = sorted({school.board for school in schools})
    row_sums = [
        (BOARD_PREFIX + board, [s.name for s in schools if s.board == board]) for board in boards
    ]
    row_sums.append((TOTAL, [BOARD_PREFIX + board for board in boards]))
    column_sums = [
        ((whole, ""), [(part, category) for category in categories.get(part, [])])
        for part, whole in PARTITIONS.items()
    ]
    column_sums += [
        ((indicator.code, ""), [(indicator.code, c) for c in categories.get(indicator.code, [])])
        for indicator in INDICATORS
        if indicator.with_total
    ]
    return row_sums, column_sums
