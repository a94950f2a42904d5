from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from familieschool.models import User
from familieschool.tabular import ImportFailed, command_error, read_upload
from servicepunt.imports import contacts_import


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
        with translation.override(settings.LANGUAGE_CODE):
            self._import(file, dry_run, user)

    def _import(self, file: Path, dry_run: bool, user: str | None):
        importer = None
        if user:
            importer = User.objects.filter(username=user).first()
            if importer is None:
                raise CommandError(_("No such user: %(name)s") % {"name": user})
        try:
            summary = contacts_import(
                data=read_upload(file), filename=file.name, user=importer, dry_run=dry_run
            )
        except ImportFailed as failed:
            raise command_error(self, failed) from None
        counts = {
            "count": summary.created,
            "skipped": summary.skipped,
            "families": summary.families_created,
            "referrals": summary.referrals_created,
        }
        if dry_run:
            message = _(
                "Dry run, nothing saved: %(count)s contacts would be imported (%(skipped)s were "
                "imported before, %(families)s new families, %(referrals)s referrals)."
            )
        else:
            message = _(
                "%(count)s contacts imported (%(skipped)s were imported before, %(families)s new "
                "families, %(referrals)s referrals)."
            )
        self.stdout.write(self.style.SUCCESS(message % counts))
