"""Breakdowns of the reach rows by school type, municipality, district and starting year, against
the independent count of conftest.py: each group's row is the sum of its schools' (people belong
to one school), its percentages are recomputed from the sums, and small counts are hidden the
same way whichever breakdown is shown."""

import csv
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rapportage.reach import BREAKDOWNS, LEVEL_BREAKDOWN, TOTAL, reach_report, reach_rows
from rapportage.reach.definitions import PARTITIONS

YEAR = "2024/2025"
# A: po, Utrecht, Overvecht, 2019; B: vo, Utrecht, Zuilen, 2021; C: po, Amsterdam, no district,
# no starting year.
ATTRIBUTES = {
    "A": {"type": "po", "municipality": "Utrecht", "district": "Overvecht", "start_year": 2019},
    "B": {"type": "vo", "municipality": "Utrecht", "district": "Zuilen", "start_year": 2021},
    "C": {"type": "po", "municipality": "Amsterdam", "district": "", "start_year": None},
}
GROUPS = {
    "soort": {"soort: po": "AC", "soort: vo": "B"},
    "gemeente": {"gemeente: Utrecht": "AB", "gemeente: Amsterdam": "C"},
    "wijk": {"wijk: Overvecht": "A", "wijk: Zuilen": "B", "wijk: onbekend": "C"},
    "startjaar": {"startjaar: 2019": "A", "startjaar: 2021": "B", "startjaar: onbekend": "C"},
}
# Pupils and families of 2024/2025 (conftest's YEAR_FIGURES); C has none.
BASE = {"A": (200, 140), "B": (100, 80), "C": (None, None)}
PERCENTAGES = {
    "gezinnen_servicepunt_pct": ("gezinnen_servicepunt", 1),
    "gezinnen_actieve_ouder_pct": ("gezinnen_actieve_ouder", 1),
    "kinderen_verlengde_schooldag_pct": ("kinderen_verlengde_schooldag", 0),
    "kinderen_programma_pct": ("kinderen_programma", 0),
}


@pytest.fixture
def breakdown_world(reach_world):
    for letter, attributes in ATTRIBUTES.items():
        school = reach_world.schools[letter]
        for name, value in attributes.items():
            setattr(school, name, value)
        school.save()
    return reach_world


def _base(letters: str, index: int):
    values = [BASE[letter][index] for letter in letters]
    return None if None in values else sum(values)


def _pct(numerator: int, denominator):
    if not denominator:
        return None
    return (Decimal(numerator * 100) / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@pytest.mark.parametrize("breakdown", sorted(GROUPS))
def test_each_group_is_the_sum_of_its_schools_in_the_independent_count(
    breakdown_world, oracle, breakdown
):
    expected = oracle(YEAR)
    rows = reach_report(YEAR, breakdown=breakdown, previous=False).rows
    got = {row.key: row.value for row in rows if row.level == LEVEL_BREAKDOWN}
    groups = GROUPS[breakdown]
    assert {name for name, _indicator, _category in got} == set(groups)
    keys = {(indicator, category) for (_letter, indicator, category) in expected}
    for name, letters in groups.items():
        for indicator, category in keys:
            if indicator.endswith("_pct") or indicator in ("leerlingen", "gezinnen"):
                continue
            total = sum(expected.get((letter, indicator, category), 0) for letter in letters)
            assert got[(name, indicator, category)] == total, (name, indicator, category)
        assert got[(name, "leerlingen", "")] == _base(letters, 0)
        assert got[(name, "gezinnen", "")] == _base(letters, 1)
        for code, (numerator, kind) in PERCENTAGES.items():
            count = sum(expected.get((letter, numerator, ""), 0) for letter in letters)
            assert got[(name, code, "")] == _pct(count, _base(letters, kind)), (name, code)
        # A share per programme: the group's children over its pupils in the programme's groepen.
        for letter, code, category in expected:
            if code == "kinderen_per_programma_pct" and letter in letters:
                children = sum(
                    expected.get((school, "kinderen_per_programma", category), 0)
                    for school in letters
                )
                pupils = sum(
                    expected.get((school, "leerlingen_per_programma", category), 0)
                    for school in letters
                )
                assert got[(name, code, category)] == _pct(children, pupils), (name, category)


def test_without_a_breakdown_there_are_no_group_rows(breakdown_world):
    assert not [row for row in reach_rows(YEAR) if row.level == LEVEL_BREAKDOWN]


def test_the_group_rows_come_after_the_boards_and_before_the_total(breakdown_world):
    rows = reach_report(YEAR, breakdown="startjaar", previous=False).rows
    names = list(dict.fromkeys(row.school for row in rows))
    assert names[-4:] == ["startjaar: 2019", "startjaar: 2021", "startjaar: onbekend", TOTAL]


def _hidden(rows) -> set:
    return {row.key for row in rows if row.hidden}


def test_small_counts_are_hidden_alike_whichever_breakdown_is_shown(breakdown_world):
    reports = {
        breakdown: reach_report(YEAR, breakdown=breakdown, min_cell=5, previous=False).rows
        for breakdown in [None, *BREAKDOWNS]
    }
    plain = _hidden(reports[None])
    assert plain, "the hand-made world has small counts"
    for breakdown, rows in reports.items():
        groups = {row.key for row in rows if row.level == LEVEL_BREAKDOWN}
        # The same cells of the schools, boards and total are hidden with any breakdown.
        assert _hidden(rows) - groups == plain, breakdown


@pytest.mark.parametrize("breakdown", sorted(GROUPS))
def test_no_group_sum_lets_a_reader_work_out_a_hidden_count(breakdown_world, breakdown):
    rows = reach_report(YEAR, breakdown=breakdown, min_cell=5, previous=False).rows
    by_key = {row.key: row for row in rows}
    schools = {breakdown_world.name(letter): letter for letter in "ABC"}
    letters_of = {
        name: [n for n, x in schools.items() if x in ls] for name, ls in GROUPS[breakdown].items()
    }
    checked = 0
    for (name, indicator, category), row in by_key.items():
        if row.level != LEVEL_BREAKDOWN or row.is_percentage:
            continue
        if indicator in ("leerlingen", "gezinnen"):
            continue
        if 0 < row.value < 5:
            assert row.hidden, row.key
        # The group over its schools and the total over the groups: never exactly one hidden
        # cell, and hidden parts under a visible total add up to 5 or more.
        for total, parts in [
            (row, [by_key[(school, indicator, category)] for school in letters_of[name]]),
            (
                by_key[(TOTAL, indicator, category)],
                [by_key[(group, indicator, category)] for group in GROUPS[breakdown]],
            ),
        ]:
            hidden = [cell for cell in (total, *parts) if cell.hidden]
            assert len(hidden) != 1, (total.key, [p.key for p in parts])
            if hidden and not total.hidden:
                assert sum(part.value for part in parts if part.hidden) >= 5
            checked += 1
    assert checked


def test_a_partition_of_a_group_keeps_its_sum(breakdown_world):
    rows = {row.key: row for row in reach_report(YEAR, breakdown="soort", previous=False).rows}
    for part, whole in PARTITIONS.items():
        parts = [row for key, row in rows.items() if key[0] == "soort: po" and key[1] == part]
        assert sum(row.value for row in parts) == rows[("soort: po", whole, "")].value


def test_a_board_cut_from_the_report_keeps_only_the_groups_inside_it(breakdown_world):
    board_x = {breakdown_world.schools["A"].pk, breakdown_world.schools["B"].pk}
    schools = [breakdown_world.schools["A"], breakdown_world.schools["B"]]
    all_schools = list(breakdown_world.schools.values())
    rows = reach_report(
        YEAR, schools=schools, scope=all_schools, min_cell=5, breakdown="gemeente", previous=False
    ).rows
    whole = reach_report(YEAR, scope=None, min_cell=5, breakdown="gemeente", previous=False).rows
    groups = {row.school for row in rows if row.level == LEVEL_BREAKDOWN}
    # Utrecht is A and B, both in the board; Amsterdam (C) is not.
    assert groups == {"gemeente: Utrecht"}
    assert len(board_x) == 2
    whole_by_key = {row.key: row for row in whole}
    for row in rows:
        if row.level == LEVEL_BREAKDOWN:
            assert row == whole_by_key[row.key]


def test_export_reach_per_writes_the_groups_in_the_school_column(breakdown_world, tmp_path):
    output = tmp_path / "bereik.csv"
    call_command(
        "export_reach", schooljaar=YEAR, per="wijk", format="csv", output=str(output), min_cell=0
    )
    with output.open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["schooljaar", "school", "indicator", "categorie", "waarde"]
    assert [YEAR, "wijk: Zuilen", "gezinnen", "", "80"] in lines
    assert {line[1] for line in lines[1:]} >= {"wijk: Overvecht", "wijk: Zuilen", "wijk: onbekend"}


def test_export_reach_refuses_an_unknown_breakdown(breakdown_world, tmp_path):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command(
            "export_reach", f"--schooljaar={YEAR}", "--per=provincie", f"--output={tmp_path}/x"
        )
    assert not (tmp_path / "x").exists()
