"""`export_reach --bestuur` hides small counts as the web does for that board: cut from the
report of every school, never suppressed within the board alone (one home for the rule)."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from familieschool.models import School
from tests.activiteiten.factories import (
    ActivityFactory,
    ActivityFundingFactory,
    SessionFactory,
    funding_source,
)
from tests.familieschool.factories import SchoolBoardFactory, SchoolFactory
from tests.rapportage.downloads import download
from tests.servicepunt.factories import ContactFactory

YEAR = "2024/2025"
WHEN = datetime(2024, 10, 1, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def boards(school_a, school_b, board):
    """Board X: De Schakel and OBO Spoorzicht, 10 contacts each; board Y: one school with 3."""
    other = SchoolBoardFactory(name="Stichting Andere Scholen")
    school_c = SchoolFactory(name="Joannes XXIII", slug="joannes", board=other)
    for school, count in ((school_a, 10), (school_b, 10), (school_c, 3)):
        for _ in range(count):
            ContactFactory(school=school, occurred_at=WHEN)
    return board


def _cells(content: bytes) -> dict[tuple[str, ...], str]:
    lines = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    return {tuple(line[:4]): line[4] for line in lines[1:]}


def _command(tmp_path, fmt: str, *arguments: str) -> bytes:
    output = tmp_path / f"bereik.{fmt}"
    call_command(
        "export_reach", f"--schooljaar={YEAR}", f"--format={fmt}", f"--output={output}", *arguments
    )
    return output.read_bytes()


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def test_the_board_file_hides_what_the_web_hides_for_that_board(
    boards, lisa_client, tmp_path, settings
):
    settings.MIN_CELL_COUNT = 5
    web = download(lisa_client, {"schooljaar": YEAR, "formaat": "csv", "bestuur": boards.pk})
    command = _command(tmp_path, "csv", f"--bestuur={boards.name}")

    assert _cells(command) == _cells(web.content)
    assert command == web.content
    # Joannes XXIII's 3 contacts hide its board, so the other board (and one of its schools)
    # too: suppressed within board X alone, 10 + 10 = 20 would show, and the whole report's
    # 23 contacts minus those 20 would give the 3 away.
    board_file = _cells(command)
    assert board_file[(YEAR, f"bestuur: {boards.name}", "contacten", "")] == "<5"
    assert board_file[(YEAR, "totaal", "contacten", "")] == "<5"
    assert board_file[(YEAR, "De Schakel", "contacten", "")] == "<5"
    whole = _cells(_command(tmp_path, "csv"))
    assert whole[(YEAR, "totaal", "contacten", "")] == "23"
    # Its schools' and board's rows are those of the whole report.
    names = {key[1] for key in board_file} - {"totaal"}
    assert {key: value for key, value in whole.items() if key[1] in names} == {
        key: value for key, value in board_file.items() if key[1] in names
    }


def test_the_board_workbook_is_the_web_workbook_cell_for_cell(
    boards, lisa_client, tmp_path, settings
):
    settings.MIN_CELL_COUNT = 5
    web = download(lisa_client, {"schooljaar": YEAR, "formaat": "xlsx", "bestuur": boards.pk})
    command = _command(tmp_path, "xlsx", f"--bestuur={boards.name}")

    assert _sheets(command) == _sheets(web.content)


def test_one_school_is_cut_from_the_whole_report_as_on_the_web(
    boards, school_a, lisa_client, tmp_path, settings
):
    settings.MIN_CELL_COUNT = 5
    web = download(lisa_client, {"schooljaar": YEAR, "formaat": "csv", "school": school_a.pk})
    command = _command(tmp_path, "csv", "--school=De Schakel")

    assert command == web.content
    assert _cells(command)[(YEAR, "De Schakel", "contacten", "")] == "<5"


def test_exact_figures_are_the_board_alone(boards, tmp_path):
    board_file = _cells(_command(tmp_path, "csv", f"--bestuur={boards.name}", "--min-cell=0"))
    assert board_file[(YEAR, "De Schakel", "contacten", "")] == "10"
    assert board_file[(YEAR, "totaal", "contacten", "")] == "20"


@pytest.fixture
def funded(boards):
    """Per school one activity paid from "Fondsen": 10 sessions at board X's, 3 at Joannes."""
    for school in School.objects.all():
        activity = ActivityFactory(school=school, title=f"Koffie {school.name}")
        ActivityFundingFactory(activity=activity, source=funding_source("Fondsen"))
        count = 3 if school.board_id != boards.pk else 10
        for day in range(count):
            SessionFactory(activity=activity, date=date(2024, 10, 1 + day))
    return boards


def test_the_board_file_per_funding_source_is_the_web_file(funded, lisa_client, tmp_path):
    web = lisa_client.get(
        reverse("rapportage:funding-export"),
        {"schooljaar": YEAR, "formaat": "csv", "bestuur": funded.pk},
    )
    command = _command(tmp_path, "csv", f"--bestuur={funded.name}", "--financier")

    assert command == web.content
    sessions = {
        (row["financier"], row["school"]): row["bijeenkomsten"]
        for row in csv.DictReader(io.StringIO(command.decode("utf-8")))
    }
    assert sessions[("Fondsen", "De Schakel")] == "<5"
