"""The Celery app. Worker and beat: see the operations section of the README.

Tasks take ids only (never personal data) and are safe to run twice: whatever they send goes
through ``familieschool.notifications.send_once``. They are queued through
``familieschool.outbox.enqueue``, never with ``.delay()`` from a web request.
"""

import os
from smtplib import SMTPException

from celery import Celery
from django.db import DatabaseError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familieschool.settings")

app = Celery("familieschool")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Options of every task: acknowledged only once it has run (a worker that dies mid-task leaves
# the message to another worker), retried with growing pauses when the mail server or the
# database hiccups.
RELIABLE = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (SMTPException, OSError, DatabaseError),
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 8,
}
