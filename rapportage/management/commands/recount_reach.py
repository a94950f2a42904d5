from django.core.management.base import BaseCommand

from rapportage.services import reach_counts_recount


class Command(BaseCommand):
    help = (
        "Recount the kept reach figures now, as the periodic task does: this and last school "
        "year, and older kept years counted more than a day ago (e.g. after loading data, or "
        "when the beat is not running)."
    )

    def handle(self, *args, **options):
        result = reach_counts_recount()
        self.stdout.write(f"Reach figures recounted for {result['recounted']} school years.")
