from django.core.management.base import BaseCommand

from familieschool.retention import retention_apply, retention_cutoff, retention_plan


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of families without any registration for RETENTION_MONTHS "
        "months and drop old delivery logs. Counts only; --dry-run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be done, change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        cutoff = retention_cutoff()
        if dry_run:
            counts = retention_plan()
            self.stdout.write(f"Dry run: nothing changed. No registration since {cutoff}:")
        else:
            counts = retention_apply()
            self.stdout.write(f"Anonymised (no registration since {cutoff}):")
        for name, value in counts.items():
            self.stdout.write(f"  {name.replace('_', ' ')}: {value}")
