"""Reach downloads have a Celery queue of their own, so that a city's workbook never holds up a
reminder: the routing setting sends the task there, a worker of docker-compose.yml consumes it,
and every other task stays on the default queue, which another worker consumes."""

import base64
import json
import shlex
from pathlib import Path

import pytest
import redis
import yaml
from django.conf import settings
from django.test import TestCase

from familieschool.celery import app
from familieschool.outbox import enqueue

ROOT = Path(__file__).resolve().parents[1]
BUILD = "rapportage.tasks.build_reach_export"


def _queues_of_the_compose_workers() -> dict[str, set[str]]:
    """Each Celery worker service of docker-compose.yml and the queues it consumes (a worker
    without ``-Q`` consumes the default queue)."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    workers = {}
    for name, service in services.items():
        command = service.get("command") or []
        words = shlex.split(command) if isinstance(command, str) else list(command)
        if "celery" not in words or "worker" not in words:
            continue
        queues = {app.conf.task_default_queue}
        for i, word in enumerate(words):
            if word in ("-Q", "--queues"):
                queues = set(words[i + 1].split(","))
            elif word.startswith("--queues="):
                queues = set(word.split("=", 1)[1].split(","))
        workers[name] = queues
    return workers


def _queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_the_reach_download_is_routed_to_a_queue_a_compose_worker_consumes_alone():
    queue = _queue_of(BUILD)
    assert queue == settings.REPORTS_QUEUE != app.conf.task_default_queue

    workers = _queues_of_the_compose_workers()
    reports = [name for name, queues in workers.items() if queue in queues]
    assert reports, f"no worker in docker-compose.yml consumes {queue!r}: {workers}"
    # The default queue has a worker that never builds a download.
    others = [
        name
        for name, queues in workers.items()
        if app.conf.task_default_queue in queues and queue not in queues
    ]
    assert others, f"every worker consuming the default queue also builds downloads: {workers}"


def test_every_other_task_stays_on_a_queue_a_compose_worker_consumes():
    app.loader.import_default_modules()
    consumed = set().union(*_queues_of_the_compose_workers().values())
    names = [name for name in app.tasks if not name.startswith("celery.")]
    assert BUILD in names and "partners.tasks.send_spreekuur_reminders" in names
    for name in names:
        queue = _queue_of(name)
        assert queue in consumed, f"{name} goes to {queue!r}, which no worker consumes"
        if name != BUILD:
            assert queue == app.conf.task_default_queue, name


@pytest.mark.integration
def test_the_outbox_publishes_the_download_on_the_reports_queue_in_redis(db, settings):
    broker = settings.CELERY_BROKER_URL
    assert broker.startswith("redis://"), "run through make test (a real Redis)"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client = redis.Redis.from_url(broker)
    queues = (settings.REPORTS_QUEUE, app.conf.task_default_queue)
    client.delete(*queues)
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            message = enqueue(BUILD, job_id=123)
            enqueue("partners.tasks.send_spreekuur_reminders", day="2030-03-11")

        message.refresh_from_db()
        assert message.sent_at is not None
        assert client.llen(settings.REPORTS_QUEUE) == 1
        assert client.llen(app.conf.task_default_queue) == 1
        published = json.loads(client.lindex(settings.REPORTS_QUEUE, 0))
        assert published["headers"]["task"] == BUILD
        assert json.loads(base64.b64decode(published["body"]))[1] == {"job_id": 123}
    finally:
        client.delete(*queues)
