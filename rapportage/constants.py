"""Choices and fixed values of the reporting app."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

# A prepared download (and its file) is removed this long after it was asked for.
EXPORT_KEPT_FOR = timedelta(days=1)
# A ready file is offered again for an identical download only while at least an hour of that
# day is left (the hourly removal could take it away before she opens it).
EXPORT_REUSED_WITHIN = EXPORT_KEPT_FOR - timedelta(hours=1)


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("being prepared")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


# A queued or running download with no progress for the task's hard time limit plus this long
# is shown failed: its worker died or never took it (ReachExportJob.objects.stale).
EXPORT_STALE_MARGIN = timedelta(minutes=2)

WAITING = (ExportStatus.QUEUED, ExportStatus.RUNNING)

# How far a download is when it reaches each step (the progress bar's value).
PROGRESS_STARTED = 10
PROGRESS_ROWS_READ = 50
PROGRESS_WRITTEN = 90
PROGRESS_DONE = 100
