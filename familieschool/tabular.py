"""Reading spreadsheets (CSV or XLSX) for the all-or-nothing imports.

Rows are numbered as a spreadsheet program shows them: the header is row 1.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class ImportFailed(Exception):
    """Raised with every bad row; nothing has been imported."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ImportFailed(
            [RowError(1, "", _("The file is not a readable XLSX workbook."))]
        ) from exc
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed([RowError(1, "", _("The file is not UTF-8 encoded text."))]) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return [
        [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def read_table(data: bytes, filename: str, required: list[str], optional: list[str] = ()) -> Table:
    """Parse ``data`` into a header and numbered rows; raises ImportFailed on a bad header."""
    is_xlsx = Path(filename).suffix.lower() in {".xlsx", ".xlsm"} or data[:2] == b"PK"
    raw = _read_xlsx(data) if is_xlsx else _read_csv(data)
    raw = list(raw)
    while raw and not any(raw[-1]):
        raw.pop()
    if not raw or not any(raw[0]):
        raise ImportFailed([RowError(1, "", _("The file is empty: there is no header row."))])
    header = [cell.strip().lower() for cell in raw[0]]
    missing = [name for name in required if name not in header]
    errors = [
        RowError(1, name, _("The column is missing from the header row.")) for name in missing
    ]
    unknown = [name for name in header if name and name not in required and name not in optional]
    errors += [RowError(1, name, _("This column is not known.")) for name in unknown]
    if errors:
        raise ImportFailed(errors)
    rows = []
    for number, cells in enumerate(raw[1:], start=2):
        if not any(cells):
            continue
        padded = list(cells) + [""] * (len(header) - len(cells))
        rows.append((number, {name: padded[i] for i, name in enumerate(header) if name}))
    if not rows:
        raise ImportFailed([RowError(2, "", _("The file has a header but no rows."))])
    return Table(header=header, rows=rows)


def parse_date(value: str) -> date:
    """Accept YYYY-MM-DD or DD-MM-YYYY; raises ValueError otherwise."""
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def template_csv(columns: list[str], example: list[str]) -> bytes:
    """A CSV template file with a header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerow(example)
    return out.getvalue().encode("utf-8")
