from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from familieschool.models import School, SchoolBoard
from familieschool.schoolyear import SchoolYear
from rapportage.exports import FORMATS, reach_export


class Command(BaseCommand):
    help = (
        "Export the reach figures of one school year as CSV or XLSX, the same file as the "
        "dashboard's download. Small counts are hidden as on the project leader's dashboard "
        "(--min-cell, default MIN_CELL_COUNT); --min-cell 0 gives exact figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schooljaar", required=True, help="The school year, e.g. 2024/2025.")
        parser.add_argument(
            "--school", action="append", default=[], metavar="NAME", help="Only this school."
        )
        parser.add_argument("--bestuur", metavar="NAME", help="Only the schools of this board.")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--output", required=True, help="The file to write.")
        parser.add_argument(
            "--min-cell",
            type=int,
            default=None,
            help="Hide counts from 1 to K-1 (default: the MIN_CELL_COUNT setting; 0: exact).",
        )

    def handle(self, *args, schooljaar, school, bestuur, format, output, min_cell, **options):
        try:
            year = SchoolYear.parse(schooljaar)
        except ValueError:
            raise CommandError(f"Not a school year: {schooljaar!r} (use e.g. 2024/2025).") from None
        min_cell = settings.MIN_CELL_COUNT if min_cell is None else min_cell
        if min_cell < 0:
            raise CommandError("--min-cell must be 0 or more.")
        schools = School.objects.all()
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
        result = reach_export(school_year=year, schools=schools, min_cell=min_cell, fmt=format)
        Path(output).write_bytes(result.content)
        frozen = " (frozen figures)" if result.frozen else ""
        self.stdout.write(f"{result.rows} figures of {year.label}{frozen} written to {output}.")
