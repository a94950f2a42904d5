"""The import reader's limits: a file is refused early, in Dutch, with a capped report."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from familieschool.tabular import EXCERPT_CHARS, MAX_REPORTED_ERRORS, ImportFailed, read_table


def refused(data: bytes, name="bestand.csv", required=("a",)) -> ImportFailed:
    with pytest.raises(ImportFailed) as info:
        read_table(data, name, list(required), ["b"])
    return info.value


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_file_over_the_upload_limit_is_refused_before_parsing(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    failure = refused(b"a,b\n" + b"1,2\n" * 50)
    assert failure.errors[0].row == 0
    assert "te groot" in failure.errors[0].message


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_from_its_directory(settings):
    data = xlsx([["a", "b"]] + [["x" * 100, "y" * 100]] * 500)
    settings.IMPORT_MAX_UNPACKED_BYTES = 20_000
    failure = refused(data, "groot.xlsx")
    assert "uitgepakt groter dan" in failure.errors[0].message
    settings.IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    assert len(read_table(data, "groot.xlsx", ["a"], ["b"]).rows) == 500


def test_too_many_rows_are_refused_in_csv_and_xlsx(settings):
    settings.IMPORT_MAX_ROWS = 3
    assert len(read_table(b"a\n1\n2\n3\n", "ok.csv", ["a"]).rows) == 3
    assert "meer dan 3 rijen" in refused(b"a\n1\n2\n3\n4\n").errors[0].message
    data = xlsx([["a"], [1], [2], [3], [4]])
    assert "meer dan 3 rijen" in refused(data, "r.xlsx").errors[0].message


def test_a_long_cell_is_refused_without_being_echoed(settings):
    settings.IMPORT_MAX_CELL_CHARS = 10
    secret = "Z" * 500
    failure = refused(f"a,b\nkort,{secret}\n".encode())
    assert [(error.row, error.column) for error in failure.errors] == [(2, "B")]
    assert "meer dan 10 tekens" in failure.errors[0].message
    assert "ZZZZZZZZZZZ" not in str(failure)


def test_the_report_is_capped_and_counts_the_rest(settings):
    settings.IMPORT_MAX_CELL_CHARS = 1
    data = ("a\n" + "xx\n" * (MAX_REPORTED_ERRORS + 50)).encode()
    failure = refused(data)
    assert len(failure.errors) == MAX_REPORTED_ERRORS
    assert failure.total > MAX_REPORTED_ERRORS
    assert "en nog" in failure.lines()[-1]


def test_broken_files_are_refused_in_dutch():
    assert "geen leesbaar XLSX" in refused(b"PK\x03\x04kapot", "x.xlsx").errors[0].message
    assert "geen tekst in UTF-8" in refused(b"a\n\xff\xfe\xfa\n").errors[0].message
    assert "leeg" in refused(b"").errors[0].message
    not_a_sheet = io.BytesIO()
    with zipfile.ZipFile(not_a_sheet, "w") as archive:
        archive.writestr("hallo.txt", "geen werkboek")
    assert "geen leesbaar XLSX" in refused(not_a_sheet.getvalue(), "x.xlsx").errors[0].message


def test_a_quoted_cell_value_is_cut_to_an_excerpt(db):
    from familieschool.imports import SCHOOL_COLUMNS, schools_import

    long_year = "2024/" + "9" * 300
    data = (",".join(SCHOOL_COLUMNS) + f"\nA,po,B,U,W,{long_year},1,1\n").encode()
    with pytest.raises(ImportFailed) as info:
        schools_import(data=data, filename="s.csv")
    message = info.value.errors[0].message
    assert "9" * EXCERPT_CHARS not in message
    assert "…" in message


@pytest.mark.parametrize("command", ["import_schools", "import_contacts", "import_attendance"])
def test_every_import_command_refuses_a_big_or_empty_file_in_dutch(command, tmp_path, settings, db):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    big = tmp_path / "groot.csv"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(CommandError, match="Het bestand is te groot"):
        call_command(command, str(big))
    empty = tmp_path / "leeg.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="niets geïmporteerd"):
        call_command(command, str(empty), stderr=io.StringIO())
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"PK\x03\x04kapot")
    with pytest.raises(CommandError, match="geen leesbaar XLSX"):
        call_command(command, str(broken))
