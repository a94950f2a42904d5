from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from familieschool.models import User
from familieschool.tabular import ImportFailed, command_error, read_upload
from servicepunt.imports import provisions_import


class Command(BaseCommand):
    help = (
        "Import provisions (material aid, fund applications) from a CSV or XLSX file with the "
        "columns datum, school, gezin, voorziening, status, notitie. All rows or nothing; "
        "importing twice adds nothing; an unknown family code creates the family."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV or XLSX file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; save nothing."
        )
        parser.add_argument(
            "--user", help="Username recorded as the one who registered the provisions."
        )

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._import(file, dry_run, user)

    def _import(self, file: Path, dry_run: bool, user: str | None):
        importer = None
        if user:
            importer = User.objects.filter(username=user).first()
            if importer is None:
                raise CommandError(_("No such user: %(name)s") % {"name": user})
        try:
            summary = provisions_import(
                data=read_upload(file), filename=file.name, user=importer, dry_run=dry_run
            )
        except ImportFailed as failed:
            raise command_error(self, failed) from None
        counts = {
            "count": summary.created,
            "skipped": summary.skipped,
            "families": summary.families_created,
        }
        if dry_run:
            message = _(
                "Dry run, nothing saved: %(count)s provisions would be imported (%(skipped)s "
                "were imported before, %(families)s new families)."
            )
        else:
            message = _(
                "%(count)s provisions imported (%(skipped)s were imported before, %(families)s "
                "new families)."
            )
        self.stdout.write(self.style.SUCCESS(message % counts))
