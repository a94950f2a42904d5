from django.core.management.base import BaseCommand

from rapportage.services import reach_counts_recount


class Command(BaseCommand):
    help = (
        "Recount the kept reach figures now, as the periodic task does: this and last school "
        "year, last year up to today, and older kept years counted more than a day ago (e.g. "
        "after loading data, or when the beat is not running). A period in which nothing was "
        "registered since its count is not counted again, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Recount even where nothing was registered."
        )

    def handle(self, *args, force, **options):
        result = reach_counts_recount(force=force)
        self.stdout.write(
            f"Reach figures: {result['recounted']} periods recounted, {result['unchanged']} "
            f"unchanged since their count, {result['removed']} old parts of last year removed."
        )
