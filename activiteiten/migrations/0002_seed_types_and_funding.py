from django.db import migrations

from activiteiten.constants import DEFAULT_ACTIVITY_TYPES, DEFAULT_FUNDING_SOURCES


def add_defaults(apps, schema_editor):
    ActivityType = apps.get_model("activiteiten", "ActivityType")
    FundingSource = apps.get_model("activiteiten", "FundingSource")
    for order, (code, name) in enumerate(DEFAULT_ACTIVITY_TYPES, start=1):
        ActivityType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for name in DEFAULT_FUNDING_SOURCES:
        FundingSource.objects.get_or_create(name=name)


def remove_defaults(apps, schema_editor):
    ActivityType = apps.get_model("activiteiten", "ActivityType")
    FundingSource = apps.get_model("activiteiten", "FundingSource")
    ActivityType.objects.filter(
        code__in=[code for code, _ in DEFAULT_ACTIVITY_TYPES], activities=None
    ).delete()
    FundingSource.objects.filter(name__in=DEFAULT_FUNDING_SOURCES, activities=None).delete()


class Migration(migrations.Migration):
    dependencies = [("activiteiten", "0001_activities_and_attendance")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
