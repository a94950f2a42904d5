from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from familieschool.models import User
from familieschool.tabular import ImportFailed
from servicepunt.services import contacts_import


class Command(BaseCommand):
    help = (
        "Import walk-in contacts from a CSV or XLSX file (columns: datum, school, gezin, ouder, "
        "kanaal, themas, doorverwezen_naar, toestemming, notitie). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; save nothing."
        )
        parser.add_argument(
            "--user", help="Username recorded as the one who registered the contacts."
        )

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        importer = None
        if user:
            importer = User.objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No such user: {user}")
        try:
            summary = contacts_import(
                data=file.read_bytes(), filename=file.name, user=importer, dry_run=dry_run
            )
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Nothing imported: {len(failure.errors)} problem(s) in {file.name}."
            ) from None
        verb = "would be imported" if dry_run else "imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.created} contacts {verb} ({summary.skipped} already imported before, "
                f"{summary.families_created} new families, {summary.referrals_created} referrals)."
            )
        )
