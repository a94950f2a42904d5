import socket
import time

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from familieschool.celery import app
from familieschool.models import OutboxMessage
from familieschool.outbox import enqueue, relay
from tests.servicepunt.factories import ReferralFactory

NOTIFY = "servicepunt.tasks.notify_referral_created"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def referral(school_a, partner_p, pam):
    pam.email = "pam@werkwinkel.example"
    pam.save()
    return ReferralFactory(contact__school=school_a, partner=partner_p)


@pytest.fixture
def broker_down(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"


@pytest.fixture
def memory_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"
    with app.connection_for_write("memory://") as conn:
        conn.SimpleQueue("celery").clear()
    return settings


def published_tasks() -> list[tuple[str, dict]]:
    found = []
    with app.connection_for_write("memory://") as conn:
        queue = conn.SimpleQueue("celery")
        while True:
            try:
                message = queue.get(timeout=0.2)
            except queue.Empty:
                break
            found.append((message.headers["task"], message.payload[1]))
            message.ack()
        queue.close()
    return found


def test_enqueue_writes_nothing_when_the_callers_transaction_rolls_back(
    db, mailoutbox, run_on_commit
):
    with run_on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        enqueue(NOTIFY, referral_id=1)
        raise RuntimeError("the form was invalid after all")
    assert OutboxMessage.objects.count() == 0
    assert mailoutbox == []


def test_enqueue_refuses_anything_but_ids(db, parent_a):
    with pytest.raises(TypeError):
        enqueue(NOTIFY, referral_id=parent_a)
    assert OutboxMessage.objects.count() == 0


def test_in_eager_mode_the_task_runs_after_the_commit_and_the_row_is_marked_sent(
    referral, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        message = enqueue(NOTIFY, referral_id=referral.pk)
        assert mailoutbox == []
    assert OutboxMessage.objects.get().sent_at is None

    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert message.sent_at is not None
    assert [m.to for m in mailoutbox] == [["pam@werkwinkel.example"]]


def test_with_the_broker_down_the_commit_returns_at_once_and_the_row_waits(
    referral, broker_down, mailoutbox, run_on_commit
):
    started = time.monotonic()
    with run_on_commit():
        enqueue(NOTIFY, referral_id=referral.pk)
    assert time.monotonic() - started < 2.5

    message = OutboxMessage.objects.get()
    assert message.sent_at is None
    assert message.last_error
    assert mailoutbox == []


def test_the_relay_publishes_waiting_rows_once_the_broker_is_back(
    referral, broker_down, settings, run_on_commit
):
    with run_on_commit():
        enqueue(NOTIFY, referral_id=referral.pk)
    assert relay() == {"sent": 0, "failed": 1, "pending": 1}

    settings.CELERY_BROKER_URL = "memory://"
    published_tasks()  # start from an empty queue
    assert relay() == {"sent": 1, "failed": 0, "pending": 0}
    assert published_tasks() == [(NOTIFY, {"referral_id": referral.pk})]

    assert relay() == {"sent": 0, "failed": 0, "pending": 0}
    assert published_tasks() == []


def test_a_row_is_marked_sent_only_after_a_successful_publish(
    referral, memory_broker, monkeypatch, run_on_commit
):
    def refuse(*args, **kwargs):
        raise OperationalError("connection reset")

    monkeypatch.setattr(app, "send_task", refuse)
    with run_on_commit():
        enqueue(NOTIFY, referral_id=referral.pk)

    message = OutboxMessage.objects.get()
    assert message.sent_at is None
    assert (message.attempts, message.last_error) == (1, "OperationalError")


def test_a_publish_right_after_the_commit_reaches_the_broker(
    referral, memory_broker, run_on_commit
):
    with run_on_commit():
        enqueue(NOTIFY, referral_id=referral.pk)
    assert OutboxMessage.objects.get().sent_at is not None
    assert published_tasks() == [(NOTIFY, {"referral_id": referral.pk})]


def test_a_task_failing_in_eager_mode_leaves_the_row_for_the_relay(
    referral, mailoutbox, monkeypatch, run_on_commit
):
    import servicepunt.tasks

    def broken(referral):
        raise RuntimeError("template missing")

    monkeypatch.setattr(servicepunt.tasks, "_referral_recipients", broken)
    with run_on_commit():
        enqueue(NOTIFY, referral_id=referral.pk)
    message = OutboxMessage.objects.get()
    assert (message.sent_at, message.attempts, message.last_error) == (None, 1, "RuntimeError")

    monkeypatch.undo()
    assert relay()["sent"] == 1
    assert len(mailoutbox) == 1


def test_a_broker_that_never_answers_delays_the_commit_by_little(
    referral, settings, mailoutbox, run_on_commit
):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)  # accepts connections, never says a word
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        started = time.monotonic()
        with run_on_commit():
            enqueue(NOTIFY, referral_id=referral.pk)
        assert time.monotonic() - started < 2.5
    assert OutboxMessage.objects.get().sent_at is None
