"""The reach figures against the oracle of conftest.py, and the small-count suppression."""

from decimal import Decimal

import pytest

from familieschool.schoolyear import SchoolYear
from rapportage.reach import (
    BOARD_PREFIX,
    INDICATORS,
    LEVEL_SCHOOL,
    TOTAL,
    Figures,
    SchoolInfo,
    build_rows,
    month_labels,
    reach_report,
    reach_rows,
)

YEAR = "2024/2025"
PREVIOUS = "2023/2024"


def by_letter(world, rows) -> dict:
    letters = {school.name: letter for letter, school in world.schools.items()}
    return {
        (letters[row.school], row.indicator, row.category): row.value
        for row in rows
        if row.level == LEVEL_SCHOOL
    }


def by_name(rows) -> dict:
    return {row.key: row for row in rows}


@pytest.mark.parametrize("label", [YEAR, PREVIOUS])
def test_every_school_figure_matches_the_independent_count(reach_world, oracle, label):
    rows = reach_rows(label)
    got = by_letter(reach_world, rows)
    expected = oracle(label)
    assert set(expected) - set(got) == set()
    for key, value in got.items():
        default = None if key[1].endswith("_pct") else 0
        assert value == expected.get(key, default), key


def test_board_and_total_rows_are_the_sums_of_their_schools(reach_world, oracle):
    rows = by_name(reach_rows(YEAR))
    expected = oracle(YEAR)
    counted = {
        (ind, cat)
        for (_s, ind, cat) in expected
        if not ind.endswith("_pct") and ind not in ("leerlingen", "gezinnen")
    }
    for indicator, category in counted:
        board_x = sum(expected.get((s, indicator, category), 0) for s in "AB")
        board_y = expected.get(("C", indicator, category), 0)
        key_x = (BOARD_PREFIX + reach_world.boards["X"].name, indicator, category)
        key_y = (BOARD_PREFIX + reach_world.boards["Y"].name, indicator, category)
        assert rows[key_x].value == board_x
        assert rows[key_y].value == board_y
        assert rows[(TOTAL, indicator, category)].value == board_x + board_y


def test_the_totals_are_distinct_counts_of_people(reach_world):
    rows = by_name(reach_rows(YEAR))
    # a1p1, a2p1 (school A) and b1p1 (school B, at A's coffee morning): three people.
    assert rows[(TOTAL, "deelnemers_uniek", "koffieochtend")].value == 3
    # a1, a2, a3 at A and b1 at B.
    assert rows[(TOTAL, "gezinnen_bereikt", "")].value == 4


def test_a_contact_at_31_july_2330_local_belongs_to_the_year_ending_that_day(reach_world):
    rows = by_name(reach_rows(YEAR))
    school = reach_world.name("A")
    assert rows[(school, "contacten_per_maand", "2025-07")].value == 1
    assert rows[(school, "contacten_per_thema", "taal")].value == 1
    # 1 August 00:15 belongs to the next year, 31 July 2024 23:59 to the previous one.
    assert rows[(school, "contacten_per_thema", "werk")].value == 0
    assert rows[(school, "contacten_per_thema", "opvoeding")].value == 0
    earlier = by_name(reach_rows(PREVIOUS))
    assert earlier[(school, "contacten_per_thema", "opvoeding")].value == 1
    later = by_name(reach_rows("2025/2026"))
    assert later[(school, "contacten_per_thema", "werk")].value == 1


def test_a_contact_with_two_themes_counts_once_for_each_theme(reach_world):
    rows = by_name(reach_rows(YEAR))
    school = reach_world.name("A")
    assert rows[(school, "contacten", "")].value == 3
    assert rows[(school, "contacten_per_thema", "geldzaken")].value == 2
    assert rows[(school, "contacten_per_thema", "wonen")].value == 1


def test_anonymous_contacts_are_counted_but_reach_no_family(reach_world):
    rows = by_name(reach_rows(YEAR))
    school_c = reach_world.name("C")
    assert rows[(school_c, "contacten", "")].value == 1
    assert rows[(school_c, "contacten_anoniem", "")].value == 1
    assert rows[(school_c, "gezinnen_bereikt", "")].value == 0


def test_a_family_reached_by_several_routes_counts_once(reach_world):
    rows = by_name(reach_rows(YEAR))
    school = reach_world.name("A")
    # a1 (contact and attendance), a2 (attendance only), a3 (appointment and attendance).
    assert rows[(school, "gezinnen_bereikt", "")].value == 3
    assert rows[(school, "ouders_bereikt", "")].value == 3
    assert rows[(school, "gezinnen_servicepunt", "")].value == 1


def test_a_parent_at_another_schools_activity_counts_at_their_own_school(reach_world):
    rows = by_name(reach_rows(YEAR))
    a, b = reach_world.name("A"), reach_world.name("B")
    assert rows[(a, "deelnames", "koffieochtend")].value == 4 + 3
    assert rows[(a, "deelnemers_uniek", "koffieochtend")].value == 2
    assert rows[(b, "deelnemers_uniek", "koffieochtend")].value == 1


def test_percentages_have_one_decimal_and_are_empty_without_a_family_count(reach_world):
    rows = by_name(reach_rows(YEAR))
    a, b, c = (reach_world.name(letter) for letter in "ABC")
    assert rows[(a, "gezinnen_actieve_ouder_pct", "")].value == Decimal("1.4")  # 2 of 140
    assert rows[(b, "gezinnen_servicepunt_pct", "")].value == Decimal("1.3")  # 1 of 80
    assert rows[(b, "gezinnen_servicepunt_pct", "")].waarde == "1.3"
    assert rows[(a, "kinderen_verlengde_schooldag_pct", "")].value == Decimal("1.0")
    assert rows[(c, "gezinnen_servicepunt_pct", "")].value is None
    assert rows[(c, "gezinnen_servicepunt_pct", "")].waarde == ""
    # The total needs every school's count: C has none.
    assert rows[(TOTAL, "gezinnen_servicepunt_pct", "")].value is None
    board_x = BOARD_PREFIX + reach_world.boards["X"].name
    assert rows[(board_x, "gezinnen_servicepunt_pct", "")].value == Decimal("0.9")  # 2 of 220


def test_the_change_against_last_year_is_this_year_minus_last_year(reach_world, oracle):
    report = reach_report(YEAR)
    now, before = oracle(YEAR), oracle(PREVIOUS)
    rows = by_name(report.rows)
    a = reach_world.name("A")
    for indicator in ("contacten", "gezinnen_bereikt", "ouders_bereikt"):
        row = rows[(a, indicator, "")]
        assert report.change(row) == now[("A", indicator, "")] - before.get(("A", indicator, ""), 0)
    pct = rows[(a, "gezinnen_servicepunt_pct", "")]
    assert (
        report.change(pct)
        == now[("A", "gezinnen_servicepunt_pct", "")]
        - before[("A", "gezinnen_servicepunt_pct", "")]
    )


def test_only_the_schools_asked_for_are_counted(reach_world):
    rows = reach_rows(YEAR, schools=[reach_world.schools["B"]])
    assert {row.school for row in rows} == {
        reach_world.name("B"),
        BOARD_PREFIX + reach_world.boards["X"].name,
        TOTAL,
    }
    assert by_name(rows)[(TOTAL, "contacten", "")].value == 1


# --- small counts --------------------------------------------------------------------------


def assert_no_sum_reveals_a_hidden_cell(rows, board_members: dict[str, list[str]]):
    index = by_name(rows)
    count_keys = {(row.indicator, row.category) for row in rows if not row.is_percentage}
    sums = []
    for indicator, category in count_keys:
        for board, members in board_members.items():
            sums.append(
                [(board, indicator, category)] + [(m, indicator, category) for m in members]
            )
        sums.append(
            [(TOTAL, indicator, category)] + [(b, indicator, category) for b in board_members]
        )
    entities = {row.school for row in rows}
    categories = {}
    for row in rows:
        categories.setdefault(row.indicator, set()).add(row.category)
    for entity in entities:
        months = [(entity, "contacten_per_maand", m) for m in categories["contacten_per_maand"]]
        sums.append([(entity, "contacten", "")] + months)
        for indicator in INDICATORS:
            if indicator.with_total:
                parts = [(entity, indicator.code, c) for c in categories[indicator.code] if c]
                sums.append([(entity, indicator.code, "")] + parts)
    for members in sums:
        hidden = [key for key in members if index[key].hidden]
        assert len(hidden) != 1, f"{hidden[0]} can be worked out from {members}"


def test_small_counts_are_hidden_from_one_to_k_minus_one(reach_world):
    rows = reach_rows(YEAR, min_cell=5)
    exact = by_name(reach_rows(YEAR))
    for row in rows:
        value = exact[row.key].value
        if not row.is_percentage and value is not None and 1 <= value <= 4:
            assert row.hidden and row.waarde == "<5", row.key
        if row.hidden:
            assert row.value == value  # hiding changes what is written, not the count
    a = reach_world.name("A")
    assert by_name(rows)[(a, "contacten", "")].waarde == "<5"


def test_no_total_or_sum_of_categories_reveals_a_hidden_count(reach_world):
    rows = reach_rows(YEAR, min_cell=5)
    boards = {
        BOARD_PREFIX + reach_world.boards["X"].name: [reach_world.name("A"), reach_world.name("B")],
        BOARD_PREFIX + reach_world.boards["Y"].name: [reach_world.name("C")],
    }
    assert_no_sum_reveals_a_hidden_cell(rows, boards)


def test_a_percentage_is_hidden_with_its_count(reach_world):
    rows = by_name(reach_rows(YEAR, min_cell=5))
    a = reach_world.name("A")
    assert rows[(a, "gezinnen_servicepunt", "")].hidden
    assert rows[(a, "gezinnen_servicepunt_pct", "")].hidden
    assert rows[(a, "gezinnen_servicepunt_pct", "")].waarde == "<5"


def test_a_change_is_not_shown_when_either_year_is_hidden(reach_world):
    report = reach_report(YEAR, min_cell=5)
    a = reach_world.name("A")
    row = next(r for r in report.rows if r.key == (a, "contacten", ""))
    assert row.hidden
    assert report.change(row) is None


def test_min_cell_zero_hides_nothing(reach_world):
    assert not any(row.hidden for row in reach_rows(YEAR, min_cell=0))


def _figures(values: dict, schools=("A", "B", "C"), board_of=None) -> Figures:
    board_of = board_of or {}
    infos = [
        SchoolInfo(number, name, board_of.get(name, "X"), 100, 80)
        for number, name in enumerate(schools, start=1)
    ]
    ids = {info.name: info.id for info in infos}
    year = SchoolYear.parse(YEAR)
    return Figures(
        school_year=year,
        schools=infos,
        categories={"contacten_per_maand": month_labels(year)},
        values={(ids[school], code, cat): value for (school, code, cat), value in values.items()},
    )


def test_one_hidden_school_hides_the_next_smallest_school_of_the_board():
    figures = _figures(
        {
            ("A", "contacten_anoniem", ""): 3,
            ("B", "contacten_anoniem", ""): 10,
            ("C", "contacten_anoniem", ""): 20,
        }
    )
    rows = by_name(build_rows(figures, min_cell=5))
    assert rows[("A", "contacten_anoniem", "")].hidden
    assert rows[("B", "contacten_anoniem", "")].hidden
    assert not rows[("C", "contacten_anoniem", "")].hidden
    assert rows[(TOTAL, "contacten_anoniem", "")].waarde == "33"


def test_a_hidden_school_next_to_zeros_hides_the_total():
    figures = _figures({("A", "contacten_anoniem", ""): 3})
    rows = by_name(build_rows(figures, min_cell=5))
    assert rows[("A", "contacten_anoniem", "")].hidden
    assert not rows[("B", "contacten_anoniem", "")].hidden  # a zero reveals nothing
    assert rows[(BOARD_PREFIX + "X", "contacten_anoniem", "")].hidden
    assert rows[(TOTAL, "contacten_anoniem", "")].hidden


def test_a_hidden_board_total_hides_another_board_or_the_total():
    figures = _figures(
        {
            ("A", "contacten_anoniem", ""): 2,
            ("B", "contacten_anoniem", ""): 1,
            ("C", "contacten_anoniem", ""): 40,
        },
        board_of={"C": "Y"},
    )
    rows = build_rows(figures, min_cell=5)
    index = by_name(rows)
    assert index[(BOARD_PREFIX + "X", "contacten_anoniem", "")].hidden  # 3
    assert (
        index[(BOARD_PREFIX + "Y", "contacten_anoniem", "")].hidden
        or index[(TOTAL, "contacten_anoniem", "")].hidden
    )
    assert_no_sum_reveals_a_hidden_cell(
        rows, {BOARD_PREFIX + "X": ["A", "B"], BOARD_PREFIX + "Y": ["C"]}
    )


def test_one_board_asked_for_hides_what_the_whole_report_hides():
    # C alone is board Y: hidden. The total would then reveal Y, so board X (12) is hidden too.
    figures = _figures(
        {
            ("A", "contacten_anoniem", ""): 6,
            ("B", "contacten_anoniem", ""): 6,
            ("C", "contacten_anoniem", ""): 3,
        },
        board_of={"C": "Y"},
    )
    whole = by_name(build_rows(figures, min_cell=5))
    assert whole[(TOTAL, "contacten_anoniem", "")].waarde == "15"
    assert whole[(BOARD_PREFIX + "X", "contacten_anoniem", "")].hidden

    # Board X on its own may not show 12 as its total, or 15 - 12 names C's 3.
    board_x = build_rows(figures, min_cell=5, only={1, 2})
    index = by_name(board_x)
    assert {row.school for row in board_x} == {"A", "B", BOARD_PREFIX + "X", TOTAL}
    assert index[(BOARD_PREFIX + "X", "contacten_anoniem", "")].hidden
    assert index[(TOTAL, "contacten_anoniem", "")].hidden
    for row in board_x:
        if row.school != TOTAL:
            assert row == whole[row.key]

    # A school picked out of a board gets no total: it is not a figure of the whole report.
    only_a = by_name(build_rows(figures, min_cell=5, only={1}))
    assert set(only_a) & {(BOARD_PREFIX + "X", "contacten", "")} == set()
    assert only_a[(TOTAL, "contacten_anoniem", "")].shown is None


def test_a_hidden_month_hides_a_second_month_so_the_year_does_not_reveal_it():
    months = month_labels(SchoolYear.parse(YEAR))
    values = {("A", "contacten_per_maand", m): 10 + i for i, m in enumerate(months)}
    values[("A", "contacten_per_maand", months[0])] = 2
    for school in "BC":
        values.update({(school, "contacten_per_maand", m): 30 for m in months})
    rows = build_rows(_figures(values), min_cell=5)
    index = by_name(rows)
    hidden_months = [m for m in months if index[("A", "contacten_per_maand", m)].hidden]
    assert months[0] in hidden_months and len(hidden_months) >= 2
    assert not index[("A", "contacten", "")].hidden
    assert_no_sum_reveals_a_hidden_cell(rows, {BOARD_PREFIX + "X": ["A", "B", "C"]})


def test_a_month_is_compared_with_the_same_month_last_year(reach_world):
    report = reach_report(YEAR)
    rows = by_name(report.rows)
    july = rows[(reach_world.name("A"), "contacten_per_maand", "2025-07")]
    assert report.previous(july).category == "2024-07"
    assert report.change(july) == 1 - 1


def test_a_partner_without_referrals_last_year_counts_as_zero_then(reach_world):
    report = reach_report(YEAR)
    row = by_name(report.rows)[
        (reach_world.name("B"), "doorverwijzingen", "Buurtteam Jeugd & Gezin")
    ]
    assert report.previous(row).value == 0
    assert report.change(row) == 1
