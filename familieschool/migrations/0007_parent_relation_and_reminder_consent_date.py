"""A parent's relation to the children, and reminder consent as the date it was given.

The date replaces the yes/no flag (one fact, not two). A parent who had opted in keeps
reminders: her consent date becomes the day her family was registered, the best we know.
Reversing turns a date back into "yes".
"""

from django.db import migrations, models


def flag_to_date(apps, schema_editor):
    Parent = apps.get_model("familieschool", "Parent")
    for parent in Parent.objects.filter(reminders_opt_in=True).select_related("family"):
        parent.reminders_consent_on = parent.family.created_at.date()
        parent.save(update_fields=["reminders_consent_on"])


def date_to_flag(apps, schema_editor):
    Parent = apps.get_model("familieschool", "Parent")
    Parent.objects.filter(reminders_consent_on__isnull=False).update(reminders_opt_in=True)


class Migration(migrations.Migration):
    dependencies = [("familieschool", "0006_audit_second_factor_actions")]

    operations = [
        migrations.AddField(
            model_name='parent',
            name='relation',
            field=models.CharField(blank=True, choices=[('mother', 'Mother'), ('father', 'Father'), ('other_carer', 'Other carer')], max_length=12, verbose_name='relation to the children'),
        ),
        migrations.AddField(
            model_name='parent',
            name='reminders_consent_on',
            field=models.DateField(blank=True, help_text="Only with the parent's explicit consent; empty means no reminders.", null=True, verbose_name='consent to email reminders given on'),
        ),
        migrations.RunPython(flag_to_date, date_to_flag),
        migrations.RemoveField(
            model_name='parent',
            name='reminders_opt_in',
        ),
    ]
