from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from familieschool.models import School, SchoolBoard
from familieschool.schoolyear import SchoolYear
from rapportage.exports import FORMATS, reach_export
from rapportage.funding import funding_export
from rapportage.reach import BREAKDOWNS, Period


class Command(BaseCommand):
    help = (
        "Export the reach figures of one school year (--schooljaar), a calendar year "
        "(--kalenderjaar) or any period (--van and --tot) as CSV or XLSX, the same file as the "
        "dashboard's download. A calendar year or period is counted now, without last year's "
        "column; its pupils and families are those of the school year of its first day, and its "
        "label is the schooljaar column (2024, or 2024-01-01/2024-06-30). Small counts are "
        "hidden as on the dashboard of a project leader of every school (--min-cell, default "
        "MIN_CELL_COUNT): with --bestuur or --school the rows are cut from the report of every "
        "school, so the file hides what the dashboard's download of that board or those schools "
        "hides; --min-cell 0 gives exact figures. --per adds rows per school type (soort: po), "
        "municipality (gemeente: Utrecht), district (wijk: Overvecht) or starting year "
        "(startjaar: 2019) after the board rows, summed from their schools like the boards. "
        "The indicators are defined in docs/indicators.md. "
        "--financier writes the export per funding source of the period instead."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--schooljaar", help="The school year, e.g. 2024/2025.")
        which.add_argument(
            "--kalenderjaar", type=int, metavar="YEAR", help="A calendar year, e.g. 2024."
        )
        which.add_argument(
            "--van", metavar="YYYY-MM-DD", help="First day of a period (with --tot), included."
        )
        parser.add_argument("--tot", metavar="YYYY-MM-DD", help="Last day of the period, included.")
        parser.add_argument(
            "--school", action="append", default=[], metavar="NAME", help="Only this school."
        )
        parser.add_argument("--bestuur", metavar="NAME", help="Only the schools of this board.")
        parser.add_argument(
            "--per",
            choices=list(BREAKDOWNS),
            default=None,
            help="Also rows per school type, municipality, district or starting year.",
        )
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument(
            "--financier",
            action="store_true",
            help=(
                "Write the export per funding source instead: per source and school the "
                "activities held (with their share or amount), sessions, attendance, unique "
                "participants and the budgets of the school years the period touches, with the "
                "same small-count rule (see rapportage/funding.py)."
            ),
        )
        parser.add_argument("--output", required=True, help="The file to write.")
        parser.add_argument(
            "--min-cell",
            type=int,
            default=None,
            help="Hide counts from 1 to K-1 (default: the MIN_CELL_COUNT setting; 0: exact).",
        )

    def handle(self, *args, schooljaar, school, bestuur, format, output, min_cell, per, **options):
        period = _period(options["kalenderjaar"], options["van"], options["tot"])
        if schooljaar is not None:
            if options["tot"]:
                raise CommandError("--tot goes with --van, not with --schooljaar.")
            try:
                period = Period.of(SchoolYear.parse(schooljaar))
            except ValueError:
                raise CommandError(
                    f"Not a school year: {schooljaar!r} (use e.g. 2024/2025)."
                ) from None
        min_cell = settings.MIN_CELL_COUNT if min_cell is None else min_cell
        if min_cell < 0:
            raise CommandError("--min-cell must be 0 or more.")
        # The reader of every school: with --bestuur or --school small counts are hidden as in
        # the report of all of them (``reach_report``'s ``scope``), as the web does for that
        # board or those schools, never within the chosen schools alone.
        every_school = School.objects.all()
        schools = every_school
        if bestuur:
            if not SchoolBoard.objects.filter(name=bestuur).exists():
                raise CommandError(f"No board called {bestuur!r}.")
            schools = schools.filter(board__name=bestuur)
        if school:
            found = set(schools.filter(name__in=school).values_list("name", flat=True))
            missing = sorted(set(school) - found)
            if missing:
                where = f" at board {bestuur!r}" if bestuur else ""
                raise CommandError(f"No school called {', '.join(map(repr, missing))}{where}.")
            schools = schools.filter(name__in=school)
        if options["financier"]:
            result = funding_export(
                period=period, schools=schools, min_cell=min_cell, fmt=format, scope=every_school
            )
            Path(output).write_bytes(result.content)
            self.stdout.write(
                f"{result.rows} rows per funding source of {period.label} written to {output}."
            )
            return
        result = reach_export(
            school_year=period.school_year,
            period=period,
            schools=schools,
            scope=every_school,
            min_cell=min_cell,
            fmt=format,
            breakdown=per,
        )
        Path(output).write_bytes(result.content)
        frozen = " (frozen figures)" if result.frozen else ""
        self.stdout.write(f"{result.rows} figures of {period.label}{frozen} written to {output}.")


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: not a date: {value!r} (use e.g. 2024-01-31).") from None


def _period(calendar_year: int | None, first: str | None, last: str | None) -> Period | None:
    """The period of --kalenderjaar or --van/--tot; None for --schooljaar."""
    if calendar_year is not None:
        if not 2000 <= calendar_year <= 2100:
            raise CommandError(f"--kalenderjaar: not a year: {calendar_year}.")
        return Period.calendar_year(calendar_year)
    if first is None:
        return None
    if last is None:
        raise CommandError("--van needs --tot (the last day of the period).")
    period = Period(_day(first, "--van"), _day(last, "--tot"))
    if period.last < period.first:
        raise CommandError("--tot must not be before --van.")
    return period
