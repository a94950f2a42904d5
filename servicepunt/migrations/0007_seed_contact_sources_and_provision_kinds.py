"""The default lists of who brought a family and of provisions; editable in admin afterwards."""

from django.db import migrations

from servicepunt.constants import DEFAULT_CONTACT_SOURCES, DEFAULT_PROVISION_KINDS


def add_lists(apps, schema_editor):
    for model_name, rows in (
        ("ContactSource", DEFAULT_CONTACT_SOURCES),
        ("ProvisionKind", DEFAULT_PROVISION_KINDS),
    ):
        model = apps.get_model("servicepunt", model_name)
        for order, (code, name) in enumerate(rows, start=1):
            model.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def remove_lists(apps, schema_editor):
    ContactSource = apps.get_model("servicepunt", "ContactSource")
    ContactSource.objects.filter(
        code__in=[code for code, _ in DEFAULT_CONTACT_SOURCES], contacts=None
    ).delete()
    ProvisionKind = apps.get_model("servicepunt", "ProvisionKind")
    ProvisionKind.objects.filter(
        code__in=[code for code, _ in DEFAULT_PROVISION_KINDS], provisions=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("servicepunt", "0006_contact_sources_partner_answers_and_provisions")]

    operations = [migrations.RunPython(add_lists, remove_lists)]
