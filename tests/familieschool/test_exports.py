"""The one writer: text that a spreadsheet would run as a formula is neutralised."""

import csv
import io

from openpyxl import load_workbook

from familieschool.exports import csv_bytes, xlsx_bytes

ATTACKS = ['=HYPERLINK("http://x","y")', "+cmd", "-2+3", "@SUM(1)", "\tTAB", "\rCR"]


def test_csv_cells_starting_a_formula_get_an_apostrophe_and_numbers_stay():
    content = csv_bytes([[*ATTACKS, 12, -3, "-3", "12.5", "De Schakel"]], header=["=kop"])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    assert rows[0] == ["'=kop"]
    assert rows[1][:6] == ["'" + attack for attack in ATTACKS]
    assert rows[1][6:] == ["12", "-3", "-3", "12.5", "De Schakel"]


def test_xlsx_cells_starting_a_formula_are_text_and_numbers_stay_numbers():
    content = xlsx_bytes({"Blad": (["naam", "aantal"], [[attack, 7] for attack in ATTACKS])})
    sheet = load_workbook(io.BytesIO(content)).active
    for number, attack in enumerate(ATTACKS, start=2):
        cell = sheet.cell(row=number, column=1)
        assert cell.data_type == "s"
        # Depending on the XML writer a bare CR comes back as CR or as LF.
        assert cell.value in (attack, attack.replace("\r", "\n"))
        assert cell.quotePrefix
        assert sheet.cell(row=number, column=2).value == 7
        assert sheet.cell(row=number, column=2).data_type == "n"
