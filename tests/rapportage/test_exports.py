"""The CSV and XLSX files: stable CSV format, readable workbook, frozen years marked."""

import csv
import io
import logging
import re

from django.utils.translation import override
from django.utils.translation.trans_real import translation
from openpyxl import load_workbook

from familieschool.schoolyear import SchoolYear
from rapportage.exports import CSV_HEADER, FROZEN_INDICATOR, reach_export
from rapportage.reach import GROUPS, INDICATORS, reach_rows
from rapportage.services import reach_snapshot_create
from tests.rapportage.conftest import local
from tests.servicepunt.factories import ContactFactory

YEAR = "2024/2025"
WAARDE = re.compile(r"^(-?\d+(\.\d)?|<\d+|)$")


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def test_the_csv_has_the_stable_header_and_one_row_per_figure(reach_world):
    export = reach_export(school_year=YEAR, fmt="csv")
    lines = read_csv(export.content)
    rows = reach_rows(YEAR)
    assert lines[0] == CSV_HEADER
    assert len(lines) == len(rows) + 1
    assert export.filename == "bereik_2024-2025.csv"
    assert export.content_type.startswith("text/csv")
    for line in lines[1:]:
        assert line[0] == YEAR
        assert WAARDE.match(line[4]), line
    schools = {line[1] for line in lines[1:]}
    assert {"De Schakel", "OBO Spoorzicht", "Joannes XXIII", "totaal"} <= schools
    assert [YEAR, "De Schakel", "contacten", "", "3"] in lines
    assert [YEAR, "De Schakel", "contacten_per_thema", "geldzaken", "2"] in lines
    assert [YEAR, "De Schakel", "doorverwijzingen", "Werkwinkel", "1"] in lines


def test_the_csv_writes_decimals_with_a_dot_and_unknown_percentages_empty(reach_world, settings):
    settings.LANGUAGE_CODE = "nl"
    lines = read_csv(reach_export(school_year=YEAR, fmt="csv").content)
    assert [YEAR, "OBO Spoorzicht", "gezinnen_servicepunt_pct", "", "1.3"] in lines
    assert [YEAR, "Joannes XXIII", "gezinnen_servicepunt_pct", "", ""] in lines


def test_the_csv_writes_hidden_counts_as_less_than_k(reach_world):
    lines = read_csv(reach_export(school_year=YEAR, fmt="csv", min_cell=5).content)
    assert [YEAR, "De Schakel", "contacten", "", "<5"] in lines
    assert not any(line[4] in {"1", "2", "3", "4"} for line in lines[1:])


def test_the_workbook_has_an_overview_and_a_sheet_per_group(reach_world):
    export = reach_export(school_year=YEAR, fmt="xlsx")
    assert export.filename == "bereik_2024-2025.xlsx"
    workbook = load_workbook(io.BytesIO(export.content))
    assert workbook.sheetnames == [
        "Overzicht",
        "Bereik",
        "Contacten",
        "Doorverwijzingen",
        "Activiteiten",
        "Partners",
        "Financiers",
        "Aanbod",
    ]
    funding_codes = {row[6].value for row in workbook["Financiers"].iter_rows(min_row=2)}
    assert funding_codes == {
        "activiteiten_per_financier",
        "bijeenkomsten_per_financier",
        "deelnames_per_financier",
        "deelnemers_per_financier",
    }
    # The partner figures of issue 14 have their own sheet, with the parents counted per partner.
    partner_codes = {row[6].value for row in workbook["Partners"].iter_rows(min_row=2)}
    assert partner_codes == {
        "ouders_per_partner",
        "afspraken_verschenen",
        "afspraken_niet_verschenen",
        "spreekuren_geannuleerd",
        "spreekuren_gehouden",
    }
    # The groups' sheets; the offer's list ("Aanbod") has its own columns (test_offer.py).
    for name in workbook.sheetnames[1:-1]:
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2"
        header = [cell.value for cell in sheet[1]]
        assert header == ["School", "Cijfer", "Categorie", YEAR, "2023/2024", "Verschil", "Code"]
        assert sheet.column_dimensions["A"].width >= 12
    overview = workbook["Overzicht"]
    header_row = next(row[0].row for row in overview.iter_rows() if row[0].value == "School")
    assert overview.freeze_panes == f"B{header_row + 1}"
    assert "Gezinnen bereikt" in [cell.value for cell in overview[header_row]]


def test_the_workbook_formats_percentages_and_counts(reach_world):
    workbook = load_workbook(io.BytesIO(reach_export(school_year=YEAR, fmt="xlsx").content))
    sheet = workbook["Bereik"]
    cells = {(row[0].value, row[6].value): row[3] for row in sheet.iter_rows(min_row=2)}
    percentage = cells[("OBO Spoorzicht", "gezinnen_servicepunt_pct")]
    assert percentage.number_format == "0.0%"
    assert abs(percentage.value - 0.013) < 1e-9
    count = cells[("De Schakel", "gezinnen_bereikt")]
    assert count.value == 3 and count.number_format == "#,##0"
    assert cells[("Joannes XXIII", "gezinnen_servicepunt_pct")].value is None


def test_the_workbook_writes_hidden_counts_as_text(reach_world):
    workbook = load_workbook(
        io.BytesIO(reach_export(school_year=YEAR, fmt="xlsx", min_cell=5).content)
    )
    values = [row[3].value for row in workbook["Contacten"].iter_rows(min_row=2)]
    assert "<5" in values
    assert not any(value in (1, 2, 3, 4) for value in values)


def test_a_frozen_year_is_exported_from_its_snapshot_and_says_so(reach_world):
    before = reach_export(school_year=YEAR, fmt="csv").content
    reach_snapshot_create(school_year=SchoolYear.parse(YEAR))
    ContactFactory(school=reach_world.schools["A"], occurred_at=local(2025, 3, 3, 10))

    export = reach_export(school_year=YEAR, fmt="csv")

    lines = read_csv(export.content)
    assert export.frozen and export.filename == "bereik_2024-2025_vastgelegd.csv"
    assert lines[-1][:3] == [YEAR, "totaal", FROZEN_INDICATOR] and lines[-1][4] == "1"
    assert lines[:-1] == read_csv(before)
    workbook = load_workbook(io.BytesIO(reach_export(school_year=YEAR, fmt="xlsx").content))
    notes = [workbook["Overzicht"].cell(row=r, column=1).value or "" for r in range(1, 6)]
    assert any(note.startswith("Vastgelegd op") for note in notes)


def test_an_export_logs_counts_only(reach_world, caplog):
    with caplog.at_level(logging.INFO, logger="rapportage.exports"):
        reach_export(school_year=YEAR, fmt="csv", min_cell=5)
    message = caplog.records[-1].getMessage()
    assert "2024/2025 csv: 3 schools" in message
    for family in reach_world.families.values():
        assert family.code not in message


def test_a_school_named_like_a_formula_is_neutralised_in_both_formats(reach_world):
    school = reach_world.schools["A"]
    school.name = '=HYPERLINK("http://x","y")'
    school.save()

    lines = read_csv(reach_export(school_year=YEAR, fmt="csv").content)
    named = [line for line in lines if school.name in line[1]]
    assert named and all(line[1] == "'" + school.name for line in named)
    assert all(WAARDE.match(line[4]) for line in named)

    workbook = load_workbook(io.BytesIO(reach_export(school_year=YEAR, fmt="xlsx").content))
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_every_group_has_its_sheet_in_dutch_with_every_figure_of_the_group(reach_world):
    """Also for groups and figures added later: GROUPS and INDICATORS decide, not this test."""
    workbook = load_workbook(io.BytesIO(reach_export(school_year=YEAR, fmt="xlsx").content))
    catalog = translation("nl")._catalog
    with override("nl"):
        names = {group: str(label)[:31] for group, label in GROUPS.items()}
        labels = {i.code: str(i.label) for i in INDICATORS}
    # The groups' sheets, then the list of the offer ("Aanbod", test_offer.py).
    assert workbook.sheetnames == ["Overzicht", *names.values(), "Aanbod"]
    for group, label in GROUPS.items():
        with override("en"):
            assert catalog.get(str(label)), f"{label!r} has no Dutch name"
        sheet = workbook[names[group]]
        header = [cell.value for cell in sheet[1]]
        assert header[:3] == ["School", "Cijfer", "Categorie"] and header[-1] == "Code"
        codes = {i.code for i in INDICATORS if i.group == group}
        assert {row[6].value for row in sheet.iter_rows(min_row=2)} == codes
        assert {row[1].value for row in sheet.iter_rows(min_row=2)} == {labels[c] for c in codes}
