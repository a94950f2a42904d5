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
    # How many hidden cells each sum has, kept up to date as cells are hidden, so that a pass
    # over the sums does not recount them (the passes and their order are as before).
    members_of: dict[Cell, list[int]] = {}
    for index, (total, parts) in enumerate(relations):
        for member in (total, *parts):
            members_of.setdefault(member, []).append(index)
    counts = [sum(member in hidden for member in (total, *parts)) for total, parts in relations]
    changed = bool(hidden)
    while changed:
        changed = False
        for index, (total, parts) in enumerate(relations):
            if not parts or counts[index] != 1:
                continue
            second = _second_cell(cells, hidden, total, parts)
            hidden.add(second)
            for other in members_of[second]:
                counts[other] += 1
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
    names = {board: [s.name for s in schools if s.board == board] for board in boards}
    found: list[Relation] = []
    for code, category in keys:
        for board in boards:
            members = [(name, code, category) for name in names[board]]
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
