from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from familieschool.schoolyear import SchoolYear
from rapportage.services import reach_snapshot_create


class Command(BaseCommand):
    help = (
        "Freeze the reach figures of a school year that has ended, for every school; exports of "
        "that year then come from the snapshot."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schooljaar", required=True, help="The school year, e.g. 2024/2025.")

    def handle(self, *args, schooljaar, **options):
        try:
            year = SchoolYear.parse(schooljaar)
        except ValueError:
            raise CommandError(f"Not a school year: {schooljaar!r} (use e.g. 2024/2025).") from None
        try:
            snapshot = reach_snapshot_create(school_year=year)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        count = snapshot.schools.count()
        self.stdout.write(f"The figures of {year.label} are frozen for {count} schools.")
