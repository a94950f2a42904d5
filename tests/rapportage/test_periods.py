"""The reach figures of a calendar year or any from-to period (issue 14), against the
independent count of conftest.py over the same days, and export_reach's period options."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from rapportage.exports import reach_export
from rapportage.reach import LEVEL_SCHOOL, Period, reach_report


def by_letter(world, rows) -> dict:
    letters = {school.name: letter for letter, school in world.schools.items()}
    return {
        (letters[row.school], row.indicator, row.category): row.value
        for row in rows
        if row.level == LEVEL_SCHOOL
    }


PERIODS = [
    # (period, its school year (pupils and families), its label)
    (Period.calendar_year(2024), "2023/2024", "2024"),
    (Period.calendar_year(2025), "2024/2025", "2025"),
    # Across the turn of the school year: 31 July 23:30 and 1 August 00:15 both fall in it.
    (Period(date(2025, 7, 31), date(2025, 8, 1)), "2024/2025", "2025-07-31/2025-08-01"),
    (Period(date(2024, 11, 5), date(2024, 11, 5)), "2024/2025", "2024-11-05/2024-11-05"),
]


@pytest.mark.parametrize(("period", "year", "label"), PERIODS)
def test_every_figure_of_a_period_matches_the_independent_count(
    reach_world, oracle, period, year, label
):
    report = reach_report(None, period=period)
    assert {row.school_year for row in report.rows} == {label}
    got = by_letter(reach_world, report.rows)
    expected = oracle(year, period.first, period.last)
    assert set(expected) - set(got) == set()
    for key, value in got.items():
        default = None if key[1].endswith("_pct") else 0
        assert value == expected.get(key, default), key


def test_a_school_year_asked_as_a_period_is_the_school_years_report(reach_world):
    period = Period(date(2024, 8, 1), date(2025, 7, 31))
    as_period = reach_report(None, period=period, min_cell=3)
    as_year = reach_report("2024/2025", min_cell=3)
    assert as_period.rows == as_year.rows
    assert as_period.previous_label == "2023/2024"


def test_parents_per_partner_in_a_calendar_year_count_each_parent_once(reach_world):
    report = reach_report(None, period=Period.calendar_year(2025))
    rows = {row.key: row.value for row in report.rows}
    a = reach_world.name("A")
    # a3p1 at the Werkwinkel on 3 February and 31 July 2025, a1p1 on 3 March; a2p1 on
    # 1 August 2025 (the next school year, the same calendar year).
    assert rows[(a, "ouders_per_partner", "Werkwinkel")] == 3
    assert rows[(a, "afspraken_verschenen", "Werkwinkel")] == 4


def lines(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_export_reach_writes_a_calendar_year(reach_world, tmp_path):
    output = tmp_path / "bereik.csv"
    call_command("export_reach", kalenderjaar=2025, output=str(output), min_cell=0)
    written = lines(output)
    assert written[0] == ["schooljaar", "school", "indicator", "categorie", "waarde"]
    assert {line[0] for line in written[1:]} == {"2025"}
    assert ["2025", "De Schakel", "ouders_per_partner", "Werkwinkel", "3"] in written
    period = Period.calendar_year(2025)
    assert output.read_bytes() == reach_export(school_year=None, period=period).content


def test_export_reach_writes_a_from_to_period_as_xlsx(reach_world, tmp_path):
    output = tmp_path / "bereik.xlsx"
    call_command(
        "export_reach",
        "--van=2025-07-31",
        "--tot=2025-08-01",
        "--format=xlsx",
        f"--output={output}",
        "--min-cell=0",
    )
    workbook = load_workbook(output)
    header = [cell.value for cell in workbook["Contacten"][1]]
    # No last year to compare a period with: the column stays without a year.
    assert header[3:5] == ["2025-07-31/2025-08-01", None]
    values = {
        (row[0].value, row[6].value, row[2].value): row[3].value
        for row in workbook["Contacten"].iter_rows(min_row=2)
    }
    assert values[("De Schakel", "contacten", None)] == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--van=2025-01-01"], "--van needs --tot"),
        (["--van=2025-02-01", "--tot=2025-01-01"], "--tot must not be before --van"),
        (["--van=2025-13-01", "--tot=2025-12-31"], "--van: not a date"),
        (["--schooljaar=2024/2025", "--tot=2025-01-01"], "--tot goes with --van"),
        (["--kalenderjaar=25"], "--kalenderjaar: not a year"),
    ],
)
def test_export_reach_refuses_a_bad_period_and_writes_nothing(
    reach_world, tmp_path, arguments, message
):
    output = tmp_path / "bereik.csv"
    with pytest.raises(CommandError, match=message):
        call_command("export_reach", *arguments, f"--output={output}")
    assert not output.exists()


def test_export_reach_help_names_the_period_options(capsys):
    with pytest.raises(SystemExit):
        call_command("export_reach", "--help")
    text = capsys.readouterr().out
    for option in ("--schooljaar", "--kalenderjaar", "--van", "--tot", "docs/indicators.md"):
        assert option in text
