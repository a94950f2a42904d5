from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from familieschool.tabular import ImportCommand
from servicepunt.imports import contacts_import


class Command(ImportCommand, BaseCommand):
    help = (
        "Import walk-in contacts from a CSV or XLSX file (columns: datum, school, gezin, ouder, "
        "kanaal, themas, doorverwezen_naar, toestemming, notitie). All or nothing."
    )

    def run_import(self, **kwargs):
        return contacts_import(**kwargs)

    def summary_message(self, summary, *, dry_run):
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
        return message % counts
