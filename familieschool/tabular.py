"""Reading spreadsheets (CSV or XLSX) for the all-or-nothing imports, within limits.

Every import (`<app>/imports.py`: schools, contacts, attendance) reads its file here, so the
limits hold for all of them and for both the upload page and the management commands: the
file's size, the unpacked size of an XLSX (checked from the zip's directory before anything is
inflated), the number of rows and the length of a cell. The XLSX is streamed read-only and the
CSV parsed row by row, so a file is refused as soon as it crosses a limit. The error report is
capped, and a message quotes at most a short excerpt of a cell.

Rows are numbered as a spreadsheet program shows them: the header is row 1; row 0 means the
file as a whole.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

__all__ = [
    "ImportFailed",
    "ImportSummary",
    "RowError",
    "Table",
    "command_error",
    "excerpt",
    "parse_date",
    "read_table",
    "read_upload",
]

# The report names this many problems at most, then says how many more there are.
MAX_REPORTED_ERRORS = 100
# A message quotes at most this many characters of what a cell held.
EXCERPT_CHARS = 40
# Columns beyond this are not read (the imports know fewer than 15).
MAX_COLUMNS = 50
# Excel's own last row: a sheet claiming more rows is not a spreadsheet anyone made.
SHEET_MAX_ROWS = 1_048_576


def excerpt(value: str) -> str:
    """At most EXCERPT_CHARS characters of a cell, for quoting it in a message."""
    value = str(value)
    if len(value) <= EXCERPT_CHARS:
        return value
    return " ".join(value.split())[: EXCERPT_CHARS - 1] + "…"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __post_init__(self):
        # A message is a sentence, not a dump of the file: cut whatever came in too long.
        if len(self.message) > 300:
            object.__setattr__(self, "message", self.message[:299] + "…")
        if len(self.column) > EXCERPT_CHARS:
            object.__setattr__(self, "column", excerpt(self.column))

    def __str__(self) -> str:
        if not self.row:
            return self.message
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class ImportFailed(Exception):
    """Raised with the bad rows (the first MAX_REPORTED_ERRORS); nothing has been imported."""

    def __init__(self, errors: list[RowError]):
        self.total = len(errors)
        self.errors = list(errors[:MAX_REPORTED_ERRORS])
        super().__init__("; ".join(str(error) for error in self.errors))

    @property
    def more(self) -> int:
        """How many problems the report leaves out."""
        return self.total - len(self.errors)

    def lines(self) -> list[str]:
        """The report as text lines, for a management command."""
        lines = [str(error) for error in self.errors]
        if self.more:
            lines.append(_("… and %(count)s more problems.") % {"count": self.more})
        return lines


def command_error(command, failed: ImportFailed):
    """Write the capped report to a command's stderr; the CommandError to raise after it."""
    from django.core.management.base import CommandError

    if failed.total == 1 and not failed.errors[0].row:
        return CommandError(failed.errors[0].message)
    for line in failed.lines():
        command.stderr.write(line)
    return CommandError(_("Nothing was imported: %(count)s errors.") % {"count": failed.total})


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do); each import adds its own counts."""

    rows: int = 0
    dry_run: bool = False


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def _refused(message: str) -> ImportFailed:
    return ImportFailed([RowError(0, "", message)])


def _check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise _refused(
            _("The file is too big: at most %(max)s can be imported at once.")
            % {"max": filesizeformat(limit)}
        )
    if size == 0:
        raise ImportFailed([RowError(1, "", _("The file is empty: there is no header row."))])


def read_upload(path: Path) -> bytes:
    """The bytes of a file given to a management command, refused before reading when too big."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _refused(_("The file %(file)s cannot be read.") % {"file": path.name}) from exc
    if not path.is_file():
        raise _refused(_("The file %(file)s cannot be read.") % {"file": path.name})
    _check_size(size)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _refused(_("The file %(file)s cannot be read.") % {"file": path.name}) from exc


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


class _Collector:
    """Keeps rows while checking the row and cell limits as they stream in."""

    def __init__(self):
        self.rows: list[list[str]] = []
        self.max_rows = settings.IMPORT_MAX_ROWS + 1  # the header is a row too
        self.max_cell = settings.IMPORT_MAX_CELL_CHARS
        self.errors: list[RowError] = []

    def add(self, number: int, cells: list[str]) -> None:
        if not any(cells):
            self.rows.append([])
            return
        if number > self.max_rows:
            raise _refused(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": settings.IMPORT_MAX_ROWS}
            )
        for index, cell in enumerate(cells):
            if len(cell) > self.max_cell:
                self.errors.append(
                    RowError(
                        number,
                        "" if number == 1 else _column_letter(index),
                        _("The cell holds more than %(max)s characters.") % {"max": self.max_cell},
                    )
                )
                cells[index] = ""
                if len(self.errors) > MAX_REPORTED_ERRORS:
                    raise ImportFailed(self.errors)
        self.rows.append(cells)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    not_xlsx = _("The file is not a readable XLSX workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refused(not_xlsx) from exc
    # The sizes in the zip's directory bound what inflating can produce: Python's zipfile
    # stops at the declared size, so a lying directory cannot make the sheet bigger.
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise _refused(
            _("The workbook unpacks to more than %(max)s; it cannot be imported.")
            % {"max": filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES)}
        )
    collector = _Collector()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            for number, row in enumerate(rows, start=1):
                if number > SHEET_MAX_ROWS:
                    break
                collector.add(number, [_cell_text(value) for value in row])
        finally:
            workbook.close()
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise _refused(not_xlsx) from exc
    if collector.errors:
        raise ImportFailed(collector.errors)
    return collector.rows


def _read_csv(data: bytes) -> list[list[str]]:
    head = data[:65536].decode("utf-8-sig", errors="ignore")
    first_line = head.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    collector = _Collector()
    try:
        reader = csv.reader(
            io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""),
            delimiter=delimiter,
        )
        for number, row in enumerate(reader, start=1):
            collector.add(number, [cell.strip() for cell in row[:MAX_COLUMNS]])
    except UnicodeDecodeError as exc:
        raise _refused(_("The file is not UTF-8 encoded text.")) from exc
    except csv.Error as exc:
        raise _refused(
            _("The file cannot be read as CSV (a cell is too long or the quotes do not match).")
        ) from exc
    if collector.errors:
        raise ImportFailed(collector.errors)
    return collector.rows


def read_table(data: bytes, filename: str, required: list[str], optional: list[str] = ()) -> Table:
    """Parse ``data`` into a header and numbered rows; raises ImportFailed on a refused file."""
    _check_size(len(data))
    is_xlsx = Path(filename).suffix.lower() in {".xlsx", ".xlsm"} or data[:2] == b"PK"
    raw = _read_xlsx(data) if is_xlsx else _read_csv(data)
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
    errors += [RowError(1, excerpt(name), _("This column is not known.")) for name in unknown]
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


class ImportCommand:
    """A management command that imports one file through an ``<entity>_import`` service.

    Mixed into ``BaseCommand``: it takes the file, ``--dry-run`` and ``--user``, answers in Dutch,
    writes the capped error report, and leaves the import and its summary line to the command.
    """

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV or XLSX file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; save nothing."
        )
        parser.add_argument("--user", help="Username recorded as the one who registered the rows.")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        from django.core.management.base import CommandError
        from django.utils import translation

        from familieschool.models import User

        with translation.override(settings.LANGUAGE_CODE):
            importer = None
            if user:
                importer = User.objects.filter(username=user).first()
                if importer is None:
                    raise CommandError(_("No such user: %(name)s") % {"name": user})
            try:
                summary = self.run_import(
                    data=read_upload(file), filename=file.name, user=importer, dry_run=dry_run
                )
            except ImportFailed as failed:
                raise command_error(self, failed) from None
            self.stdout.write(self.style.SUCCESS(self.summary_message(summary, dry_run=dry_run)))

    def run_import(self, *, data: bytes, filename: str, user, dry_run: bool) -> ImportSummary:
        raise NotImplementedError

    def summary_message(self, summary, *, dry_run: bool) -> str:
        raise NotImplementedError
