"""The core takes over ``SchoolHoliday`` from partners: same table (renamed there), same rows.

The content type moves along, so admin permissions and history stay attached to it.
"""

from django.db import migrations, models


def _move_content_type(apps, old: str, new: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model="schoolholiday").update(app_label=new)


def to_core(apps, schema_editor):
    _move_content_type(apps, "partners", "familieschool")


def to_partners(apps, schema_editor):
    _move_content_type(apps, "familieschool", "partners")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("familieschool", "0010_audit_merge"),
        ("partners", "0003_school_holidays_move_to_the_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SchoolHoliday",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "region",
                            models.CharField(
                                choices=[("noord", "North"), ("midden", "Middle"), ("zuid", "South")],
                                max_length=6,
                                verbose_name="region",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("start", models.DateField(verbose_name="first day")),
                        ("end", models.DateField(verbose_name="last day")),
                    ],
                    options={
                        "verbose_name": "school holiday",
                        "verbose_name_plural": "school holidays",
                        "ordering": ["start"],
                    },
                )
            ]
        ),
        migrations.RunPython(to_core, to_partners),
    ]
