"""End to end with a real Redis and a real Celery worker, both started (and stopped) here.

The worker reads the test database, so this runs on PostgreSQL only (see conftest.py). The
scenario: a reminder goes from the outbox through Redis to the worker and out as an email;
then Redis goes down, a coordinator registers a referral in the web view and gets her answer
at once; Redis comes back, the relay publishes the waiting task and the partner gets exactly
one email, also when the relay runs again and the task is delivered twice.
"""

import email
import email.policy
import os
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from familieschool.celery import app
from familieschool.models import OutboxMessage, SentLog
from familieschool.outbox import _connection, enqueue
from servicepunt.models import Referral
from tests.familieschool.factories import FamilyFactory, ParentFactory
from tests.notifications.conftest import DAY
from tests.partners.factories import AppointmentFactory, SpreekuurFactory
from tests.processes import ROOT, CeleryProcess, RedisServer, wait_for
from tests.servicepunt.factories import ContactFactory

NOTIFY = "servicepunt.tasks.notify_referral_created"
SEPARATOR = "-" * 79

# serialized_rollback: the flush after this test must leave the migrations' rows for the next
# transactional test to restore (Django recreates them only for tests that ask for it).
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Worker(CeleryProcess):
    """A real Celery worker (solo pool) that writes its mail to files in ``workdir``."""

    def __init__(self, broker_url: str, workdir: Path):
        self.mail_dir = workdir / "mail"
        self.mail_dir.mkdir()
        super().__init__(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "familieschool",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"itest-{os.getpid()}@localhost",
            ],
            workdir / "worker.log",
            broker_url=broker_url,
            env={
                "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
                "PYTHONPATH": str(ROOT),
                "EMAIL_FILE_PATH": str(self.mail_dir),
            },
        )

    def wait_until_ready(self) -> None:
        wait_for(lambda: " ready." in self.output(), timeout=60, what="the worker to start")

    def succeeded(self, task_name: str) -> int:
        return sum(
            1
            for line in self.output().splitlines()
            if f"Task {task_name}[" in line and "succeeded" in line
        )

    def emails(self) -> list[email.message.EmailMessage]:
        found = []
        for path in sorted(self.mail_dir.iterdir()):
            for chunk in path.read_text().split(SEPARATOR):
                if chunk.strip():
                    found.append(
                        email.message_from_string(chunk.strip(), policy=email.policy.default)
                    )
        return found

    def emails_to(self, address: str, subject_start: str) -> list:
        return [
            m
            for m in self.emails()
            if m["To"] == address and m["Subject"].startswith(subject_start)
        ]


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def worker(transactional_db, redis_server, tmp_path, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_server.url
    process = Worker(redis_server.url, tmp_path)
    try:
        process.wait_until_ready()
        yield process
    finally:
        process.stop()


@pytest.fixture
def cast(school_a, partner_p, pam, alice, family_a):
    pam.email = "pam@werkwinkel.example"
    pam.save()
    spreekuur = SpreekuurFactory(
        school=school_a, partner=partner_p, staff=[pam], weekday=DAY.weekday()
    )
    family = FamilyFactory(school=school_a)
    ParentFactory(family=family, first_name="Fatima", last_name="El Amrani")
    AppointmentFactory(spreekuur=spreekuur, date=DAY, family=family)
    return spreekuur


def test_reminders_survive_the_broker_going_down(worker, redis_server, cast, alice, client):
    # 1. A reminder goes end to end: outbox, Redis, worker (fan-out and send), email file.
    enqueue("partners.tasks.send_spreekuur_reminders", day=DAY.isoformat())
    [reminder] = wait_for(
        lambda: worker.emails_to("pam@werkwinkel.example", "Uw spreekuren"),
        what="the spreekuur reminder",
    )
    plain = reminder.get_body(("plain",)).get_content()
    html = reminder.get_body(("html",)).get_content()
    assert "1 afspraak" in plain and "1 afspraak" in html
    assert "https://portal.example/partners/?week=2030-W11" in plain
    assert "Fatima" not in plain + html
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()

    # 2. Redis goes down; the coordinator registers a referral and gets her page at once.
    redis_server.stop()
    client.force_login(alice)
    contact = ContactFactory(school=cast.school, family=None)
    started = time.monotonic()
    response = client.post(
        reverse("servicepunt:referral-create", args=[contact.pk]),
        {
            "partner": cast.partner.pk,
            "consent": "on",
            "consent_given_by": "moeder",
            "consent_method": "verbal",
            "consent_date": timezone.localdate().isoformat(),
        },
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    assert elapsed < 3, f"the request took {elapsed:.1f} s with Redis down"
    referral = Referral.objects.get()
    waiting = OutboxMessage.objects.get(task_name=NOTIFY)
    assert waiting.kwargs == {"referral_id": referral.pk}
    assert waiting.sent_at is None
    assert worker.emails_to("pam@werkwinkel.example", "Nieuwe doorverwijzing") == []

    # 3. Redis is back; the relay publishes the waiting task; the email arrives once.
    redis_server.start()
    call_command("relay_outbox")
    waiting.refresh_from_db()
    assert waiting.sent_at is not None
    wait_for(
        lambda: worker.emails_to("pam@werkwinkel.example", "Nieuwe doorverwijzing"),
        timeout=60,
        what="the referral notice after Redis came back",
    )

    # 4. The relay again, and the same task delivered twice more: still one email.
    call_command("relay_outbox")
    with _connection() as conn:
        for _ in range(2):
            app.send_task(NOTIFY, kwargs={"referral_id": referral.pk}, connection=conn)
    wait_for(lambda: worker.succeeded(NOTIFY) >= 3, what="the duplicated tasks to run")
    notices = worker.emails_to("pam@werkwinkel.example", "Nieuwe doorverwijzing")
    assert len(notices) == 1
    notice = notices[0]
    assert notice.get_body(("plain",)).get_content().startswith("Hallo,")
    assert notice.get_body(("html",)) is not None
    assert SentLog.objects.filter(kind="referral-notice").count() == 1
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
