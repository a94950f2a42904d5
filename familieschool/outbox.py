"""The transactional outbox: a web request never waits for, or fails on, the broker.

``enqueue`` writes an ``OutboxMessage`` in the caller's transaction. Once that transaction
commits, one quick attempt is made to hand the task to the broker (about a second at most);
if Redis is down the row simply stays pending and ``relay`` (a task every minute, or
``manage.py relay_outbox``) publishes it when the broker is back. A row is marked sent only
after a successful publish. With ``CELERY_TASK_ALWAYS_EAGER`` (no broker configured) the task
runs in-process right after the commit.

Publishing twice is possible in one corner (the broker took the message but marking the row
failed); the tasks are idempotent through the sent-log, so nobody gets a message twice.
"""

import importlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from .celery import app
from .models import OutboxMessage

__all__ = ["enqueue", "relay", "pending_summary", "BrokerUnavailable"]

logger = logging.getLogger(__name__)

# Seconds to wait for the broker while a web request is waiting for us.
PUBLISH_TIMEOUT = 1.0


class BrokerUnavailable(Exception):
    """The broker could not be reached within the publish timeout."""


def enqueue(task_name: str, **ids: int | str) -> OutboxMessage:
    """Queue ``task_name(**ids)`` once the current transaction commits; ids only, no names."""
    for name, value in ids.items():
        if not isinstance(value, int | str):
            raise TypeError(f"{task_name}: argument {name} must be an id or a date string")
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=ids)
    transaction.on_commit(lambda: _publish_one(message.pk))
    return message


def _eager() -> bool:
    return settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL


def _connection():
    """A broker connection that gives up after PUBLISH_TIMEOUT instead of retrying forever."""
    conn = app.connection_for_write(
        url=settings.CELERY_BROKER_URL,
        connect_timeout=PUBLISH_TIMEOUT,
        transport_options={
            "socket_connect_timeout": PUBLISH_TIMEOUT,
            "socket_timeout": PUBLISH_TIMEOUT,
            "max_retries": 0,
        },
    )
    try:
        conn.ensure_connection(max_retries=0, timeout=PUBLISH_TIMEOUT)
    except Exception as exc:
        conn.release()
        raise BrokerUnavailable(type(exc).__name__) from exc
    return conn


def _run_in_process(message: OutboxMessage) -> None:
    # Task names are their dotted paths, so importing the module registers the task.
    importlib.import_module(message.task_name.rsplit(".", 1)[0])
    app.tasks[message.task_name].apply(kwargs=message.kwargs, throw=True)


def _send(message: OutboxMessage, conn) -> None:
    if conn is None:
        # A savepoint, so a failing task leaves the row lock's transaction usable.
        with transaction.atomic():
            _run_in_process(message)
    else:
        app.send_task(
            message.task_name,
            kwargs=message.kwargs,
            connection=conn,
            retry=False,
            task_id=f"outbox-{message.pk}-{message.attempts}",
        )


def _deliver(pk: int, conn) -> bool:
    """Publish one pending row under a row lock; True when it left (or had already left)."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, sent_at__isnull=True)
            .first()
        )
        if message is None:
            return True
        try:
            _send(message, conn)
        except Exception as exc:
            OutboxMessage.objects.filter(pk=pk).update(
                attempts=message.attempts + 1, last_error=type(exc).__name__[:200]
            )
            logger.warning(
                "outbox: message %s (%s) not sent: %s", pk, message.task_name, type(exc).__name__
            )
            return False
        message.sent_at = timezone.now()
        message.save(update_fields=["sent_at"])
        return True


def _publish_one(pk: int) -> None:
    """Right after the commit: one quick try; on any failure the row waits for the relay."""
    try:
        if _eager():
            _deliver(pk, None)
            return
        with _connection() as conn:
            _deliver(pk, conn)
    except BrokerUnavailable as exc:
        OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).update(last_error=str(exc)[:200])
        logger.warning("outbox: broker unavailable, message %s waits for the relay", pk)
    except Exception:
        # The caller's transaction has committed; its request must not fail now.
        logger.exception("outbox: message %s waits for the relay", pk)


def relay(*, limit: int = 500, min_age_seconds: float = 0) -> dict[str, int]:
    """Publish pending rows, oldest first; stop at the first failure. Returns counts."""
    cutoff = timezone.now() - timedelta(seconds=min_age_seconds)
    pks = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = failed = 0
    if pks:
        try:
            if _eager():
                for pk in pks:
                    ok = _deliver(pk, None)
                    sent += ok
                    failed += not ok
            else:
                with _connection() as conn:
                    for pk in pks:
                        if not _deliver(pk, conn):
                            failed += 1
                            break
                        sent += 1
        except BrokerUnavailable:
            failed = len(pks)
    result = {"sent": sent, "failed": failed, "pending": _pending_count()}
    if pks:
        logger.info("outbox relay: %(sent)d sent, %(failed)d failed, %(pending)d pending", result)
    return result


def _pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()


def pending_summary() -> dict:
    """How many rows wait for the broker and since when; for monitoring."""
    row = OutboxMessage.objects.filter(sent_at__isnull=True).aggregate(
        pending=Count("id"), oldest=Min("created_at")
    )
    return {"pending": row["pending"], "oldest": row["oldest"]}
