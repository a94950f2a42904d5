import inspect

import pytest
from django.conf import settings

import activiteiten.tasks
import familieschool.tasks
import partners.tasks
import servicepunt.tasks
from familieschool.celery import app
from familieschool.models import SentLog
from familieschool.notifications import send_once

OUR_TASKS = sorted(
    name
    for name in app.tasks
    if name.split(".")[0] in ("familieschool", "partners", "servicepunt", "activiteiten")
)


def test_a_key_is_sent_once(db):
    calls = []
    assert send_once(kind="test", key="1:2030-03-12", send=lambda: calls.append(1)) is True
    assert send_once(kind="test", key="1:2030-03-12", send=lambda: calls.append(2)) is False
    assert send_once(kind="test", key="2:2030-03-12", send=lambda: calls.append(3)) is True
    assert calls == [1, 3]
    assert SentLog.objects.count() == 2


def test_a_failed_send_leaves_no_trace_so_a_retry_sends(db):
    def fail():
        raise OSError("mail server away")

    with pytest.raises(OSError):
        send_once(kind="test", key="k", send=fail)
    assert not SentLog.objects.exists()

    calls = []
    assert send_once(kind="test", key="k", send=lambda: calls.append(1)) is True
    assert calls == [1]


def test_the_same_key_of_another_kind_is_another_message(db):
    calls = []
    send_once(kind="a", key="k", send=lambda: calls.append("a"))
    send_once(kind="b", key="k", send=lambda: calls.append("b"))
    assert calls == ["a", "b"]


def test_all_our_tasks_are_registered():
    assert OUR_TASKS == [
        "activiteiten.tasks.send_activity_reminder",
        "activiteiten.tasks.send_activity_reminders",
        "familieschool.tasks.apply_retention",
        "familieschool.tasks.relay_outbox",
        "partners.tasks.send_spreekuur_reminder",
        "partners.tasks.send_spreekuur_reminders",
        "servicepunt.tasks.notify_referral_created",
        "servicepunt.tasks.send_coordinator_digest",
        "servicepunt.tasks.send_coordinator_digests",
    ]
    modules = (activiteiten.tasks, familieschool.tasks, partners.tasks, servicepunt.tasks)
    assert {module.__name__ for module in modules} == {n.rsplit(".", 1)[0] for n in OUR_TASKS}


@pytest.mark.parametrize("name", OUR_TASKS)
def test_every_task_is_acknowledged_late_and_survives_a_lost_worker(name):
    task = app.tasks[name]
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True


@pytest.mark.parametrize("name", [n for n in OUR_TASKS if not n.endswith("relay_outbox")])
def test_every_sending_task_retries_with_backoff(name):
    task = app.tasks[name]
    assert OSError in task.autoretry_for
    assert task.retry_backoff
    assert task.retry_jitter is True
    assert task.max_retries >= 3


@pytest.mark.parametrize("name", OUR_TASKS)
def test_every_task_takes_ids_or_a_date_only(name):
    signature = inspect.signature(app.tasks[name].run)
    for parameter in signature.parameters.values():
        assert parameter.annotation in (int, str), f"{name}({parameter.name})"


def test_the_worker_takes_one_message_at_a_time():
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
