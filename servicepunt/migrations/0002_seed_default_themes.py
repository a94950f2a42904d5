from django.db import migrations

from servicepunt.constants import DEFAULT_THEMES


def add_themes(apps, schema_editor):
    Theme = apps.get_model("servicepunt", "Theme")
    for order, (code, name) in enumerate(DEFAULT_THEMES, start=1):
        Theme.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def remove_themes(apps, schema_editor):
    Theme = apps.get_model("servicepunt", "Theme")
    Theme.objects.filter(code__in=[code for code, _ in DEFAULT_THEMES], contacts=None).delete()


class Migration(migrations.Migration):
    dependencies = [("servicepunt", "0001_contacts_and_referrals")]

    operations = [migrations.RunPython(add_themes, remove_themes)]
