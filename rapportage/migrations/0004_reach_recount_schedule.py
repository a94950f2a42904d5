"""The periodic recount of the kept reach figures, as a django-celery-beat row an administrator
can edit in admin (created once; reversing removes it by name)."""

from django.db import migrations
from django.utils import timezone

NAME = "Bereik: cijfers bijwerken"
TASK = "rapportage.tasks.recount_reach"
EVERY_SECONDS = 300


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
        # A run still queued when the next is due is dropped: no pile-up on a busy worker.
        expire_seconds=EVERY_SECONDS - 10,
        description="Elke 5 minuten: de bereikcijfers van dit en vorig schooljaar opnieuw "
        "tellen voor het dashboard en de downloads.",
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTask.objects.filter(name=NAME).delete()
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("rapportage", "0003_kept_reach_counts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
