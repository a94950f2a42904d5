from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from familieschool.services import schools_import
from familieschool.tabular import ImportFailed


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
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        try:
            result = schools_import(data=file.read_bytes(), filename=file.name, dry_run=dry_run)
        except ImportFailed as failed:
            for error in failed.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Nothing was imported: %(count)s error(s).") % {"count": len(failed.errors)}
            ) from None
        message = _(
            "%(created)s school(s) created, %(updated)s updated, %(figures)s year figure(s) saved."
        ) % {
            "created": result["schools_created"],
            "updated": result["schools_updated"],
            "figures": result["figures"],
        }
        if dry_run:
            message = _("Dry run, nothing saved: ") + message
        self.stdout.write(self.style.SUCCESS(message))
