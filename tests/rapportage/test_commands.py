"""export_reach writes the same file as the dashboard's download."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from rapportage.exports import reach_export


def lines(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_it_writes_the_export_of_all_schools(reach_world, tmp_path, settings):
    settings.MIN_CELL_COUNT = 5
    output = tmp_path / "bereik.csv"

    call_command("export_reach", schooljaar="2024/2025", format="csv", output=str(output))

    assert output.read_bytes() == reach_export(school_year="2024/2025", min_cell=5).content
    assert ["2024/2025", "De Schakel", "contacten", "", "<5"] in lines(output)


def test_min_cell_zero_gives_exact_figures(reach_world, tmp_path):
    output = tmp_path / "bereik.csv"
    call_command(
        "export_reach", schooljaar="2024/2025", format="csv", output=str(output), min_cell=0
    )
    assert ["2024/2025", "De Schakel", "contacten", "", "3"] in lines(output)


def test_it_exports_only_the_schools_and_board_asked_for(reach_world, tmp_path):
    output = tmp_path / "bereik.csv"
    call_command(
        "export_reach",
        "--schooljaar=2024/2025",
        "--school=De Schakel",
        "--school=OBO Spoorzicht",
        f"--bestuur={reach_world.boards['X'].name}",
        f"--output={output}",
        "--min-cell=0",
    )
    schools = {line[1] for line in lines(output)[1:]}
    assert schools == {
        "De Schakel",
        "OBO Spoorzicht",
        f"bestuur: {reach_world.boards['X'].name}",
        "totaal",
    }


def test_it_writes_a_workbook(reach_world, tmp_path):
    output = tmp_path / "bereik.xlsx"
    call_command("export_reach", schooljaar="2024/2025", format="xlsx", output=str(output))
    assert load_workbook(output).sheetnames[0] == "Overzicht"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--schooljaar=2024"], "Not a school year"),
        (["--schooljaar=2024/2025", "--school=Nergensschool"], "No school called"),
        (["--schooljaar=2024/2025", "--bestuur=Geen bestuur"], "No board called"),
        (
            [
                "--schooljaar=2024/2025",
                "--school=Joannes XXIII",
                "--bestuur=Stichting Overvecht Onderwijs",
            ],
            "No school called",
        ),
        (["--schooljaar=2024/2025", "--min-cell=-1"], "--min-cell"),
    ],
)
def test_it_refuses_bad_arguments_and_writes_nothing(reach_world, tmp_path, arguments, message):
    output = tmp_path / "bereik.csv"
    with pytest.raises(CommandError, match=message):
        call_command("export_reach", *arguments, f"--output={output}")
    assert not output.exists()
