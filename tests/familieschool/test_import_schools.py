import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from familieschool.imports import schools_import
from familieschool.models import School, SchoolBoard, SchoolYearFigures
from familieschool.tabular import ImportFailed

HEADER = "naam,type,bestuur,gemeente,wijk,schooljaar,leerlingen,gezinnen\n"
GOOD = (
    HEADER
    + "De Schakel,po,SOOO,Utrecht,Overvecht,2024/2025,252,163\n"
    + "Joannes XXIII,po,SOOO,Utrecht,Overvecht,2024/2025,173,136\n"
)


def _errors(text: str) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        schools_import(data=text.encode(), filename="scholen.csv")
    return [str(error) for error in failed.value.errors]


@pytest.mark.django_db
def test_it_creates_schools_boards_and_figures():
    result = schools_import(data=GOOD.encode(), filename="scholen.csv")

    assert (result.schools_created, result.schools_updated, result.figures) == (2, 0, 2)
    school = School.objects.get(name="De Schakel")
    assert school.board.name == "SOOO"
    assert school.slug == "de-schakel"
    figures = SchoolYearFigures.objects.get(school=school, school_year="2024/2025")
    assert (figures.pupils, figures.families) == (252, 163)


@pytest.mark.django_db
def test_importing_again_updates_instead_of_duplicating():
    schools_import(data=GOOD.encode(), filename="scholen.csv")
    changed = GOOD.replace("252,163", "260,170").replace(
        "Overvecht,2024/2025,173", "Noord,2024/2025,173"
    )

    result = schools_import(data=changed.encode(), filename="scholen.csv")

    assert result.schools_updated == 2
    assert School.objects.count() == 2
    assert SchoolYearFigures.objects.get(school__name="De Schakel").pupils == 260
    assert School.objects.get(name="Joannes XXIII").district == "Noord"


@pytest.mark.django_db
def test_one_bad_row_imports_nothing_and_names_row_column_and_reason():
    bad = GOOD + "OBO Spoorzicht,basis,SOOO,Utrecht,Overvecht,2024-2025,veel,107\n"

    errors = _errors(bad)

    assert School.objects.count() == 0
    assert SchoolBoard.objects.count() == 0
    assert errors == [
        "Rij 4, kolom type: Gebruik po, vo of so; gevonden: “basis”.",
        "Rij 4, kolom schooljaar: Schrijf het schooljaar als 2024/2025; gevonden: “2024-2025”.",
        "Rij 4, kolom leerlingen: Vul een heel getal van 0 of meer in; gevonden: “veel”.",
    ]


@pytest.mark.django_db
def test_a_missing_column_is_reported_on_the_header_row():
    errors = _errors(
        "naam,type,bestuur,gemeente,wijk,schooljaar,leerlingen\nX,po,B,U,W,2024/2025,1\n"
    )
    assert errors == ["Rij 1, kolom gezinnen: Deze kolom ontbreekt in de kopregel."]


@pytest.mark.django_db
def test_an_empty_file_is_refused():
    assert _errors("") == ["Rij 1: Het bestand is leeg: er is geen kopregel."]


@pytest.mark.django_db
def test_the_same_school_twice_in_one_file_is_refused():
    errors = _errors(GOOD + "de schakel,po,SOOO,Utrecht,Overvecht,2024/2025,1,1\n")
    assert errors == ["Rij 4, kolom naam: Deze school en dit schooljaar staan al op rij 2."]


@pytest.mark.django_db
def test_it_reads_semicolon_csv_and_xlsx():
    schools_import(data=GOOD.replace(",", ";").encode("utf-8-sig"), filename="s.csv")
    assert School.objects.count() == 2

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["Nieuwe School", "vo", "Ander Bestuur", "Utrecht", "", "2025/2026", 400, 300])
    out = io.BytesIO()
    workbook.save(out)
    schools_import(data=out.getvalue(), filename="s.xlsx")
    assert SchoolYearFigures.objects.get(school__name="Nieuwe School").families == 300


@pytest.mark.django_db
def test_the_command_reports_errors_and_dry_run_saves_nothing(tmp_path, capsys):
    path = tmp_path / "scholen.csv"
    path.write_text(GOOD)
    call_command("import_schools", str(path), "--dry-run")
    assert School.objects.count() == 0

    call_command("import_schools", str(path))
    assert School.objects.count() == 2

    path.write_text(HEADER + "X,xx,B,U,W,2024/2025,1,1\n")
    with pytest.raises(CommandError, match="Er is niets geïmporteerd"):
        call_command("import_schools", str(path))
    assert "Rij 2, kolom type" in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("A,po,B,U,W,2024/2025,99999999999,1", "leerlingen"),
        ("A,po,B,U,W,2024/2025,²,1", "leerlingen"),
        ("N" * 250 + ",po,B,U,W,2024/2025,1,1", "naam"),
        ("A,po," + "B" * 250 + ",U,W,2024/2025,1,1", "bestuur"),
    ],
)
def test_numbers_and_names_the_database_cannot_hold_are_refused_by_row(row, column):
    # Found by the property tests: these raised a database error instead of naming the row.
    with pytest.raises(ImportFailed) as failed:
        schools_import(data=(HEADER + row + "\n").encode(), filename="s.csv")
    assert [(error.row, error.column) for error in failed.value.errors] == [(2, column)]
    assert School.objects.count() == 0


PER_GROUP = (
    "naam,type,bestuur,gemeente,wijk,schooljaar,leerlingen,gezinnen,"
    "leerlingen_groep_1_2,leerlingen_groep_3,leerlingen_groep_8,leerlingen_klas_1\n"
    "De Schakel,po,SOOO,Utrecht,Overvecht,2024/2025,252,163,60,30,28,\n"
)


@pytest.mark.django_db
def test_pupils_per_groep_are_optional_columns():
    schools_import(data=PER_GROUP.encode(), filename="scholen.csv")

    figures = SchoolYearFigures.objects.get(school__name="De Schakel")
    assert (figures.pupils_group_1_2, figures.pupils_group_3, figures.pupils_group_8) == (
        60,
        30,
        28,
    )
    assert figures.pupils_group_5 is None and figures.pupils_year_1 is None
    assert figures.pupils_in_groups(["g1", "g2", "g3"]) == 90


@pytest.mark.django_db
def test_a_file_without_a_groep_column_leaves_that_figure_as_it_was():
    schools_import(data=PER_GROUP.encode(), filename="scholen.csv")

    schools_import(data=GOOD.replace("252,163", "255,163").encode(), filename="scholen.csv")

    figures = SchoolYearFigures.objects.get(school__name="De Schakel")
    assert (figures.pupils, figures.pupils_group_3) == (255, 30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cells, message",
    [
        ("60,dertig,28,", "Rij 2, kolom leerlingen_groep_3: Vul een heel getal"),
        ("200,30,28,", "Rij 2, kolom leerlingen_groep_1_2: De leerlingen per groep tellen op"),
    ],
)
def test_bad_pupils_per_groep_import_nothing(cells, message):
    bad = PER_GROUP.replace("60,30,28,", cells)

    errors = _errors(bad)

    assert any(error.startswith(message) for error in errors), errors
    assert not SchoolYearFigures.objects.exists()


def test_the_administrator_edits_pupils_per_groep(adam_client, school_a):
    from django.urls import reverse

    SchoolYearFigures.objects.create(
        school=school_a, school_year="2024/2025", pupils=252, families=163
    )

    html = adam_client.get(reverse("admin:familieschool_school_change", args=[school_a.pk]))

    assert "pupils_group_1_2" in html.content.decode()
    assert "leerlingen groep 1-2" in html.content.decode().lower()
