from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from familieschool.imports import schools_import
from familieschool.tabular import ImportFailed, command_error, read_upload


class Command(BaseCommand):
    help = (
        "Create or update schools, boards and the figures of a school year from a CSV or XLSX "
        "file with the header naam,type,bestuur,gemeente,wijk,schooljaar,leerlingen,gezinnen. "
        "One bad row imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file, save nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._import(file, dry_run)

    def _import(self, file: Path, dry_run: bool):
        try:
            result = schools_import(data=read_upload(file), filename=file.name, dry_run=dry_run)
        except ImportFailed as failed:
            raise command_error(self, failed) from None
        message = _(
            "%(created)s school(s) created, %(updated)s updated, %(figures)s year figure(s) saved."
        ) % {
            "created": result.schools_created,
            "updated": result.schools_updated,
            "figures": result.figures,
        }
        if dry_run:
            message = _("Dry run, nothing saved: ") + message
        self.stdout.write(self.style.SUCCESS(message))
