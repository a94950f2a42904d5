"""The one writer for every CSV and XLSX the portal hands out.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula
(and tab or carriage return can smuggle one in), so a school or activity named
``=HYPERLINK(...)`` would become a live link in a project leader's download. Every export
(the reach figures, the import templates, the audit log, a family's data) writes through here:

- CSV: such a text cell gets a leading apostrophe, the usual neutraliser (OWASP);
- XLSX: such a text cell is stored as text with Excel's quote prefix, so it shows as typed and
  is never read as a formula.

Numbers stay numbers: only text is touched, and text that is just a number (``-3``) is left
alone, so ``-2+3`` is neutralised while a figure of ``-3`` is not.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence

__all__ = ["DANGEROUS_PREFIXES", "csv_bytes", "csv_safe", "xlsx_bytes", "xlsx_cell"]

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain number written as text ("-3", "12.5") is no formula and stays as it is.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _is_dangerous(value) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(DANGEROUS_PREFIXES)
        and not PLAIN_NUMBER.fullmatch(value)
    )


def csv_safe(value):
    """A value as it may go into a CSV cell: dangerous text gets a leading apostrophe."""
    if _is_dangerous(value):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Sequence], *, header: Sequence[str] | None = None) -> bytes:
    """UTF-8 CSV (comma, CRLF) of ``rows``, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header is not None:
        writer.writerow([csv_safe(value) for value in header])
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return out.getvalue().encode("utf-8")


def xlsx_cell(sheet, row: int, column: int, value):
    """Put ``value`` into an openpyxl sheet; dangerous text is stored as quoted text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if _is_dangerous(value):
        # openpyxl reads a leading "=" as a formula; force plain text and mark it quoted.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence]]]) -> bytes:
    """A workbook with one sheet per entry ``title: (header, rows)``, bold header, neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title[:31])
        for column, label in enumerate(header, start=1):
            xlsx_cell(sheet, 1, column, label).font = Font(bold=True)
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                xlsx_cell(sheet, number, column, value)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
