"""Withdrawn consent was recorded twice (status "ingetrokken" and a timestamp); keep the status.

The status is final, so ``status_changed_at`` of a withdrawn referral is when consent was
withdrawn. Going back fills the timestamp from it again.
"""

from django.db import migrations, models

WITHDRAWN = "ingetrokken"


def status_from_timestamp(apps, schema_editor):
    Referral = apps.get_model("servicepunt", "Referral")
    ReferralStatusChange = apps.get_model("servicepunt", "ReferralStatusChange")
    for referral in Referral.objects.filter(consent_withdrawn_at__isnull=False):
        if referral.status != WITHDRAWN:
            referral.status = WITHDRAWN
            ReferralStatusChange.objects.create(
                referral=referral, status=WITHDRAWN, changed_at=referral.consent_withdrawn_at
            )
        referral.status_changed_at = referral.consent_withdrawn_at
        referral.save(update_fields=["status", "status_changed_at"])


def timestamp_from_status(apps, schema_editor):
    Referral = apps.get_model("servicepunt", "Referral")
    Referral.objects.filter(status=WITHDRAWN).update(
        consent_withdrawn_at=models.F("status_changed_at")
    )


class Migration(migrations.Migration):
    dependencies = [("servicepunt", "0007_seed_contact_sources_and_provision_kinds")]

    operations = [
        migrations.RunPython(status_from_timestamp, timestamp_from_status),
        migrations.RemoveField(model_name="referral", name="consent_withdrawn_at"),
    ]
