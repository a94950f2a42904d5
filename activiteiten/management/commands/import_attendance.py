from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from activiteiten.imports import attendance_import
from familieschool.tabular import ImportFailed, command_error, read_upload


class Command(BaseCommand):
    help = (
        "Import attendance from a CSV or XLSX file with the columns datum, school, activiteit, "
        "gezin, ouder, kind, groep, aantal_anoniem. Unknown families, parents and children are "
        "created. All rows or nothing; importing twice adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV or XLSX file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but save nothing."
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._import(file, dry_run)

    def _import(self, file: Path, dry_run: bool):
        try:
            summary = attendance_import(data=read_upload(file), filename=file.name, dry_run=dry_run)
        except ImportFailed as failed:
            raise command_error(self, failed) from None
        for name in summary.activities_created:
            self.stdout.write(_("New activity: %(name)s") % {"name": name})
        lines = [
            _("Rows: %(count)s") % {"count": summary.rows},
            _("New families: %(families)s, parents: %(parents)s, children: %(children)s")
            % {
                "families": summary.families_created,
                "parents": summary.parents_created,
                "children": summary.children_created,
            },
            _("New sessions: %(count)s") % {"count": summary.sessions_created},
            _("New attendance: %(count)s (already known: %(known)s)")
            % {"count": summary.attendance_created, "known": summary.attendance_known},
            _("Headcount added: %(count)s (rows already imported: %(known)s)")
            % {"count": summary.headcount_added, "known": summary.headcounts_known},
        ]
        for line in lines:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing has been saved.")))
        else:
            self.stdout.write(self.style.SUCCESS(_("The attendance has been imported.")))
