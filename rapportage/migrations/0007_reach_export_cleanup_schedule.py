"""The hourly removal of prepared reach downloads older than a day, as a django-celery-beat row
an administrator can edit in admin (created once; reversing removes it by name)."""

from django.db import migrations
from django.utils import timezone

NAME = "Bereik: oude downloads verwijderen"
TASK = "rapportage.tasks.remove_expired_reach_exports"
EVERY_SECONDS = 3600


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    interval, _ = IntervalSchedule.objects.get_or_create(every=EVERY_SECONDS, period="seconds")
    PeriodicTask.objects.create(
        name=NAME,
        task=TASK,
        interval=interval,
        expire_seconds=EVERY_SECONDS - 60,
        description="Elk uur: voorbereide downloads van de bereikcijfers (en hun bestanden) "
        "verwijderen die langer dan een dag geleden zijn aangevraagd.",
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTask.objects.filter(name=NAME).delete()
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("rapportage", "0006_reach_export_jobs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
