"""Small-count suppression: which cells to hide so that no small count can be read or worked out.

A cell is ``(entity name, indicator code, category)``. A *relation* is a sum the reader can
redo: ``(total cell, [part cells])`` — a board over its schools, the total over the boards, a
school's contacts over the months and a categorised count over its categories.
"""

from __future__ import annotations

from .definitions import BOARD_PREFIX, INDICATORS, PARTITIONS, TOTAL, SchoolInfo

Cell = tuple[str, str, str]
Relation = tuple[Cell, list[Cell]]


def suppress(cells: dict[Cell, int], relations: list[Relation], min_cell: int) -> set[Cell]:
    """Hide counts from 1 to min_cell-1, then more until no sum has exactly one hidden cell."""
    hidden = {key for key, value in cells.items() if 0 < value < min_cell}
    changed = bool(hidden)
    while changed:
        changed = False
        for total, parts in relations:
            if not parts or sum(member in hidden for member in (total, *parts)) != 1:
                continue
            hidden.add(_second_cell(cells, hidden, total, parts))
            changed = True
    return hidden


def _second_cell(cells: dict, hidden: set, total: Cell, parts: list[Cell]) -> Cell:
    """The cell to hide next to the one hidden cell of a sum: the smallest other count that is
    not zero; when none is left, the total itself (or, when the total is the hidden one, any
    part)."""
    visible = [part for part in parts if part not in hidden]
    candidates = [part for part in visible if cells[part] > 0] or (
        visible if total in hidden else []
    )
    if not candidates:
        return total
    return min(candidates, key=lambda part: (cells[part], parts.index(part)))


def relations(
    schools: list[SchoolInfo],
    entity_names: list[str],
    keys: list[tuple[str, str]],
    categories: dict[str, list[str]],
) -> list[Relation]:
    """Every sum a reader of the rows can redo."""
    boards = sorted({school.board for school in schools})
    found: list[Relation] = []
    for code, category in keys:
        for board in boards:
            members = [(s.name, code, category) for s in schools if s.board == board]
            found.append(((BOARD_PREFIX + board, code, category), members))
        found.append(
            ((TOTAL, code, category), [(BOARD_PREFIX + b, code, category) for b in boards])
        )
    for name in entity_names:
        for part, whole in PARTITIONS.items():
            found.append(((name, whole, ""), [(name, part, c) for c in categories.get(part, [])]))
        for indicator in INDICATORS:
            if indicator.with_total:
                code = indicator.code
                found.append(
                    ((name, code, ""), [(name, code, c) for c in categories.get(code, [])])
                )
    return found
