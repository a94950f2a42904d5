"""Settings of the Celery worker the integration test starts: the portal's, with its emails
written to files (``EMAIL_FILE_PATH``) because the test's in-memory outbox is in another
process."""

import os

from familieschool.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
