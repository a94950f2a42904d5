from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from familieschool.tabular import ImportCommand
from servicepunt.imports import provisions_import


class Command(ImportCommand, BaseCommand):
    help = (
        "Import provisions (material aid, fund applications) from a CSV or XLSX file with the "
        "columns datum, school, gezin, voorziening, status, notitie. All rows or nothing; "
        "importing twice adds nothing; an unknown family code creates the family."
    )

    def run_import(self, **kwargs):
        return provisions_import(**kwargs)

    def summary_message(self, summary, *, dry_run):
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
        return message % counts
