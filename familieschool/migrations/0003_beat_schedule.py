"""The periodic tasks, as django-celery-beat rows an administrator can edit in admin.

Creating is idempotent (a task that exists by name is left as the administrator set it);
reversing removes the tasks by name. The morning jobs run a few times: a run missed while the
broker was down is caught up an hour later, and the sent-log keeps it to one email each.
"""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Europe/Amsterdam"

# name, task, crontab (minute, hour, day_of_week) or interval seconds, expire seconds, description
SCHEDULE = [
    (
        "Spreekuur: herinnering aan medewerkers",
        "partners.tasks.send_spreekuur_reminders",
        ("0", "7,8,9", "*"),
        None,
        "De ochtend voor een spreekuur: aantal afspraken en link naar de weeklijst.",
    ),
    (
        "Servicepunt: dagoverzicht voor coördinatoren",
        "servicepunt.tasks.send_coordinator_digests",
        ("15", "7,8,9", "*"),
        None,
        "Doorverwijzingen met verlopen opvolgdatum of zonder statuswijziging, contacten om op "
        "te volgen: aantallen en links.",
    ),
    (
        "Activiteiten: herinnering aan ouders",
        "activiteiten.tasks.send_activity_reminders",
        ("0", "10,11,12", "*"),
        None,
        "De dag voor een activiteit, aan ouders die zich aanmeldden en herinneringen willen.",
    ),
    (
        "Bewaartermijn: persoonsgegevens anonimiseren",
        "familieschool.tasks.apply_retention",
        ("30", "2", "*"),
        None,
        "Elke nacht: gezinnen zonder registratie binnen de bewaartermijn anonimiseren.",
    ),
    (
        "Outbox: wachtende taken versturen",
        "familieschool.tasks.relay_outbox",
        60,
        55,
        "Elke minuut: taken die de broker niet bereikten alsnog versturen.",
    ),
]


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, when, expire_seconds, description in SCHEDULE:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        fields = {"task": task, "description": description, "expire_seconds": expire_seconds}
        if isinstance(when, int):
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=when, period="seconds"
            )
        else:
            minute, hour, day_of_week = when
            fields["crontab"] = CrontabSchedule.objects.filter(
                minute=minute,
                hour=hour,
                day_of_week=day_of_week,
                day_of_month="*",
                month_of_year="*",
                timezone=TIME_ZONE,
            ).first() or CrontabSchedule.objects.create(
                minute=minute,
                hour=hour,
                day_of_week=day_of_week,
                day_of_month="*",
                month_of_year="*",
                timezone=TIME_ZONE,
            )
        PeriodicTask.objects.create(name=name, **fields)
    # A running beat reloads its schedule when this timestamp changes.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTask.objects.filter(name__in=[row[0] for row in SCHEDULE]).delete()
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("familieschool", "0002_outbox_and_sent_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
