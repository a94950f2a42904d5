"""Small-count suppression against a reader who redoes every sum: random tables and examples.

The reader here is a small solver written apart from the code: it knows every visible cell and
every sum the published rows show, and recovers a hidden cell whenever it is the only unknown
one of a sum, again and again until nothing new comes out. It must recover nothing, and no sum
whose total it knows may leave a few hidden cells that add up to less than K.
"""

import random

import pytest

from familieschool.schoolyear import SchoolYear
from rapportage.reach import (
    BOARD_PREFIX,
    INDICATORS,
    TOTAL,
    Figures,
    SchoolInfo,
    build_rows,
    month_labels,
)
from rapportage.reach.definitions import BASE_COUNTS, BY_CODE, SPARSE
from rapportage.reach.suppression import table_hidden

K = 5
YEAR = SchoolYear.parse("2024/2025")


def recovered(values: dict, sums: list, hidden: set) -> set:
    """The hidden cells a reader works out: the one unknown cell of a sum, until a fixpoint."""
    known = {cell: value for cell, value in values.items() if cell not in hidden}
    found = set()
    progress = True
    while progress:
        progress = False
        for total, parts in sums:
            unknown = [cell for cell in (total, *parts) if cell not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            if cell == total:
                known[cell] = sum(known[part] for part in parts)
            else:
                known[cell] = known[total] - sum(known[p] for p in parts if p != cell)
            assert known[cell] == values[cell]  # the solver itself is right
            found.add(cell)
            progress = True
    return found


def small_hidden_sums(values: dict, sums: list, hidden: set) -> list:
    """Sums with a visible total whose hidden parts together are a count below K."""
    return [
        (total, parts)
        for total, parts in sums
        if total not in hidden
        and any(part in hidden for part in parts)
        and sum(values[part] for part in parts if part in hidden) < K
    ]


def assert_nothing_can_be_worked_out(values: dict, sums: list, hidden: set):
    for cell, value in values.items():
        if value is not None and 0 < value < K:
            assert cell in hidden, f"{cell} = {value} is shown"
    assert recovered(values, sums, hidden) == set()
    assert small_hidden_sums(values, sums, hidden) == []


# --- any table: table_hidden -------------------------------------------------------------


def _count(rng) -> int:
    draw = rng.random()
    if draw < 0.3:
        return 0
    return rng.randint(1, K - 1) if draw < 0.7 else rng.randint(K, 40)


def random_table(rng):
    """Schools in boards by categories with a total column split two ways, as the reach rows
    are (contacts over the months and over the languages), with board and total rows."""
    boards = {
        f"bestuur {b}": [f"school {b}.{i}" for i in range(rng.randint(1, 4))]
        for b in range(rng.randint(1, 3))
    }
    first = [f"c{i}" for i in range(rng.randint(1, 5))]
    second = [f"d{i}" for i in range(rng.randint(0, 3))]
    counts = {}
    for schools in boards.values():
        for school in schools:
            row = {category: _count(rng) for category in first}
            counts.update({(school, category): value for category, value in row.items()})
            counts[(school, "totaal")] = sum(row.values())
            split = dict.fromkeys(second, 0)
            for _ in range(counts[(school, "totaal")] if second else 0):
                split[rng.choice(second)] += 1
            counts.update({(school, category): value for category, value in split.items()})
    columns = [*first, "totaal", *second]
    for board, schools in boards.items():
        for column in columns:
            counts[(board, column)] = sum(counts[(school, column)] for school in schools)
    for column in columns:
        counts[("alles", column)] = sum(counts[(board, column)] for board in boards)
    row_sums = [*boards.items(), ("alles", list(boards))]
    column_sums = [("totaal", first)] + ([("totaal", second)] if second else [])
    # The reader's sums, spelled out cell by cell.
    rows = [school for schools in boards.values() for school in schools] + [*boards, "alles"]
    sums = [((total, c), [(m, c) for m in members]) for total, members in row_sums for c in columns]
    sums += [((r, total), [(r, c) for c in parts]) for total, parts in column_sums for r in rows]
    return counts, row_sums, column_sums, sums


@pytest.mark.parametrize("seed", range(10))
def test_no_hidden_cell_of_a_random_table_can_be_worked_out(seed):
    rng = random.Random(seed)
    for _ in range(100):
        counts, row_sums, column_sums, sums = random_table(rng)
        hidden = table_hidden(counts, min_cell=K, row_sums=row_sums, column_sums=column_sums)
        assert_nothing_can_be_worked_out(counts, sums, hidden)


def test_three_hidden_ones_hide_their_total_of_three():
    counts = {("A", "p"): 1, ("A", "q"): 1, ("A", "r"): 1, ("A", ""): 3}
    hidden = table_hidden(counts, min_cell=K, column_sums=[("", ["p", "q", "r"])])
    assert hidden == set(counts)


def test_two_hidden_categories_of_three_are_not_left_to_subtract():
    # 13 - 10 would give the hidden 1 and 2 together: 3, a small count. The 10 goes too.
    counts = {("A", "p"): 1, ("A", "q"): 2, ("A", "r"): 10, ("A", ""): 13}
    hidden = table_hidden(counts, min_cell=K, column_sums=[("", ["p", "q", "r"])])
    assert hidden == {("A", "p"), ("A", "q"), ("A", "r")}


def test_a_total_of_several_hidden_cells_stays_when_it_is_not_small():
    counts = {("A", "p"): 2, ("A", "q"): 2, ("A", "r"): 2, ("A", ""): 6}
    hidden = table_hidden(counts, min_cell=K, column_sums=[("", ["p", "q", "r"])])
    assert hidden == {("A", "p"), ("A", "q"), ("A", "r")}


def test_one_hidden_school_of_a_board_hides_the_next_smallest():
    counts = {("A", "n"): 3, ("B", "n"): 12, ("C", "n"): 9, ("X", "n"): 24}
    hidden = table_hidden(counts, min_cell=K, row_sums=[("X", ["A", "B", "C"])])
    assert hidden == {("A", "n"), ("C", "n")}


def test_a_sum_with_an_unknown_cell_is_no_sum_a_reader_can_redo():
    # A figure a frozen year does not hold is unknown (None): never hidden, no relation.
    counts = {("A", "n"): 3, ("B", "n"): None, ("X", "n"): None}
    hidden = table_hidden(counts, min_cell=K, row_sums=[("X", ["A", "B"])])
    assert hidden == {("A", "n")}


def test_the_work_grows_with_the_table_not_faster():
    """Timing-free: how often the cells are read, for a table and one four times as large."""

    class Counting(dict):
        reads = 0

        def __getitem__(self, key):
            Counting.reads += 1
            return super().__getitem__(key)

    def reads(boards: int) -> int:
        rng = random.Random(7)
        counts, row_sums = Counting(), []
        for b in range(boards):
            schools = [f"{b}.{i}" for i in range(8)]
            for school in schools:
                for c in range(10):
                    counts[(school, c)] = _count(rng)
            for c in range(10):
                counts[(f"b{b}", c)] = sum(counts[(s, c)] for s in schools)
            row_sums.append((f"b{b}", schools))
        Counting.reads = 0
        table_hidden(counts, min_cell=K, row_sums=row_sums)
        return Counting.reads

    small, large = reads(25), reads(100)
    assert large < 5 * small


# --- the reach rows: every sum a reader of the export can redo -----------------------------


def random_figures(rng) -> Figures:
    """Schools in boards with contacts per month, language and source (three splits of the
    contacts), per theme, referrals per partner (with a total row) and single counts."""
    boards = [f"B{b}" for b in range(rng.randint(1, 3))]
    schools = [
        SchoolInfo(number, f"S{number}", rng.choice(boards), 100, 80)
        for number in range(1, rng.randint(2, 6))
    ]
    months = month_labels(YEAR)
    categories = {
        "contacten_per_maand": months,
        "contacten_per_taal": ["nl", "ar", "onbekend"],
        "contacten_per_bron": ["ouder", "onbekend"],
        "contacten_per_thema": ["geldzaken", "wonen"],
        "doorverwijzingen": ["P", "O", "Q"],
        "bijeenkomsten": ["koffieochtend", "taalles"],
    }
    others = [code for code in BASE_COUNTS if code not in categories]
    categories.update({code: ["k1", "k2", "k3"] for code in others if BY_CODE[code].categorised})
    values = {}
    for school in schools:
        contacts = rng.choice([0, 1, 2, 3, 6, 12, 30])
        for code in ("contacten_per_maand", "contacten_per_taal", "contacten_per_bron"):
            for _ in range(contacts):
                key = (school.id, code, rng.choice(categories[code]))
                values[key] = values.get(key, 0) + 1
        for code in ("contacten_per_thema", "doorverwijzingen", "bijeenkomsten"):
            for category in categories[code]:
                values[(school.id, code, category)] = _count(rng)
        # Every other counted figure, those added later too: a few categories or one number.
        for code in others:
            for category in categories.get(code, [""]):
                values[(school.id, code, category)] = _count(rng)
    return Figures(school_year=YEAR, schools=schools, categories=categories, values=values)


def reader_sums(figures: Figures, rows) -> list:
    """The sums a reader of the rows redoes, from the rows and the boards' members alone."""
    present = {(row.school, row.indicator, row.category) for row in rows if not row.is_percentage}
    members = {}
    for school in figures.schools:
        members.setdefault(BOARD_PREFIX + school.board, []).append(school.name)
    sums = []
    for code, category in {(code, category) for _entity, code, category in present}:
        for board, schools in members.items():
            sums.append(((board, code, category), [(s, code, category) for s in schools]))
        sums.append(((TOTAL, code, category), [(b, code, category) for b in members]))
    entities = {row.school for row in rows}
    with_total = [i.code for i in INDICATORS if i.with_total]
    splits = {"contacten": ["contacten_per_maand", "contacten_per_taal", "contacten_per_bron"]}
    for entity in entities:
        for whole, parts in splits.items():
            for part in parts:
                cells = [key for key in present if key[0] == entity and key[1] == part]
                sums.append(((entity, whole, ""), cells))
        for code in with_total:
            cells = [key for key in present if key[0] == entity and key[1] == code and key[2]]
            if cells:
                sums.append(((entity, code, ""), cells))
    return [(total, parts) for total, parts in sums if total in present and parts]


@pytest.mark.parametrize("seed", range(5))
def test_no_hidden_figure_of_random_reach_rows_can_be_worked_out(seed):
    rng = random.Random(seed)
    for _ in range(40):
        figures = random_figures(rng)
        rows = build_rows(figures, min_cell=K)
        values = {row.key: row.value for row in rows if not row.is_percentage}
        hidden = {row.key for row in rows if row.hidden and not row.is_percentage}
        assert {row.indicator for row in rows} >= set(BASE_COUNTS) - SPARSE
        assert_nothing_can_be_worked_out(values, reader_sums(figures, rows), hidden)
        for row in rows:
            if row.is_percentage and row.value is not None:
                count = next(i.percentage_of[0] for i in INDICATORS if i.code == row.indicator)
                assert row.hidden == ((row.school, count, row.category) in hidden)


def test_three_referrals_of_one_each_hide_the_total_row_of_three():
    figures = random_figures(random.Random(1))
    school = figures.schools[0]
    for category in figures.categories["doorverwijzingen"]:
        figures.values[(school.id, "doorverwijzingen", category)] = 1
    rows = {row.key: row for row in build_rows(figures, min_cell=K)}
    assert rows[(school.name, "doorverwijzingen", "")].value == 3
    assert rows[(school.name, "doorverwijzingen", "")].hidden
