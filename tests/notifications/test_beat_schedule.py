import importlib

from django.apps import apps
from django_celery_beat.models import PeriodicTask

from familieschool.celery import app

schedule = importlib.import_module("familieschool.migrations.0003_beat_schedule")
# The core's rows; apps add their own (rapportage's recount of the reach figures).
CORE = [row[0] for row in schedule.SCHEDULE]

EXPECTED = {
    "partners.tasks.send_spreekuur_reminders": ("0", "7,8,9"),
    "servicepunt.tasks.send_coordinator_digests": ("15", "7,8,9"),
    "activiteiten.tasks.send_activity_reminders": ("0", "10,11,12"),
    "familieschool.tasks.apply_retention": ("30", "2"),
}


def test_the_migration_puts_every_job_in_the_database_schedule(db):
    tasks = {task.task: task for task in PeriodicTask.objects.select_related("crontab", "interval")}
    for name, (minute, hour) in EXPECTED.items():
        crontab = tasks[name].crontab
        assert (crontab.minute, crontab.hour, crontab.day_of_week) == (minute, hour, "*")
        assert str(crontab.timezone) == "Europe/Amsterdam"
        assert tasks[name].enabled
    relay = tasks["familieschool.tasks.relay_outbox"]
    assert (relay.interval.every, relay.interval.period) == (60, "seconds")
    assert relay.expire_seconds == 55


def test_every_scheduled_task_exists(db):
    import activiteiten.tasks  # noqa: F401
    import familieschool.tasks  # noqa: F401
    import partners.tasks  # noqa: F401
    import rapportage.tasks  # noqa: F401
    import servicepunt.tasks  # noqa: F401

    for task in PeriodicTask.objects.exclude(task__startswith="celery."):
        assert task.task in app.tasks, task.task


def test_setting_up_the_schedule_again_keeps_what_the_administrator_changed(db):
    task = PeriodicTask.objects.get(task="familieschool.tasks.apply_retention")
    task.enabled = False
    task.save()

    schedule.create_schedule(apps, None)

    assert PeriodicTask.objects.filter(task="familieschool.tasks.apply_retention").count() == 1
    task.refresh_from_db()
    assert task.enabled is False
    assert PeriodicTask.objects.filter(name__in=CORE).count() == len(schedule.SCHEDULE)


def test_the_schedule_can_be_removed_and_restored(db):
    schedule.remove_schedule(apps, None)
    assert not PeriodicTask.objects.filter(name__in=CORE).exists()
    schedule.create_schedule(apps, None)
    assert PeriodicTask.objects.filter(name__in=CORE).count() == len(schedule.SCHEDULE)
