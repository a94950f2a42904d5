import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieschool.models import School
from familieschool.schoolyear import validate_school_year_label

from .constants import EXPORT_STALE_MARGIN, WAITING, ExportFormat, ExportStatus


class ReachSnapshot(models.Model):
    """A school year's reach figures, frozen so they survive the anonymisation of personal data."""

    school_year = models.CharField(
        _("school year"), max_length=9, unique=True, validators=[validate_school_year_label]
    )
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("frozen by"),
    )

    class Meta:
        ordering = ["-school_year"]
        verbose_name = _("frozen reach figures")
        verbose_name_plural = _("frozen reach figures")

    def __str__(self):
        return self.school_year


class ReachSnapshotSchool(models.Model):
    """One school in a snapshot, with its name, board and pupil and family counts of that year."""

    snapshot = models.ForeignKey(
        ReachSnapshot, on_delete=models.CASCADE, related_name="schools", verbose_name=_("snapshot")
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    school_name = models.CharField(_("school name"), max_length=200)
    board_name = models.CharField(_("board name"), max_length=200)
    pupils = models.PositiveIntegerField(_("pupils"), null=True, blank=True)
    families = models.PositiveIntegerField(_("families"), null=True, blank=True)

    class Meta:
        ordering = ["school_name"]
        verbose_name = _("school in frozen figures")
        verbose_name_plural = _("schools in frozen figures")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "school"], name="unique_snapshot_school")
        ]

    def __str__(self):
        return f"{self.snapshot} {self.school_name}"


class ReachSnapshotFigure(models.Model):
    """One counted figure of one school, zeros included, in the order the report lists them."""

    snapshot_school = models.ForeignKey(
        ReachSnapshotSchool,
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("school in frozen figures"),
    )
    indicator = models.CharField(_("indicator"), max_length=40)
    category = models.CharField(_("category"), max_length=200, blank=True)
    value = models.PositiveIntegerField(_("value"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("frozen figure")
        verbose_name_plural = _("frozen figures")

    def __str__(self):
        return f"{self.indicator} {self.category} {self.value}"


class ReachCount(models.Model):
    """A period's counted figures of every school, kept so that pages read them instead of
    recounting the city's history in a web request (recounted by ``rapportage.tasks``)."""

    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    counted_at = models.DateTimeField(_("counted at"))
    # The categories of the categorised figures, in the order of the report.
    categories = models.JSONField(_("categories"), default=dict)
    # ``writes_so_far()`` when counting began: the recount is skipped while it stays the same.
    writes = models.BigIntegerField(_("writes when counted"), null=True, blank=True)

    class Meta:
        ordering = ["-first_day"]
        verbose_name = _("kept reach count")
        verbose_name_plural = _("kept reach counts")
        constraints = [
            models.UniqueConstraint(fields=["first_day", "last_day"], name="unique_reach_period")
        ]

    def __str__(self):
        return f"{self.first_day} - {self.last_day}"


class ReachCountSchool(models.Model):
    """One school's counted figures in a kept count: ``{indicator: {category: value}}``, zeros
    left out."""

    count = models.ForeignKey(
        ReachCount, on_delete=models.CASCADE, related_name="schools", verbose_name=_("count")
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    values = models.JSONField(_("values"), default=dict)

    class Meta:
        verbose_name = _("school in a kept reach count")
        verbose_name_plural = _("schools in kept reach counts")
        constraints = [
            models.UniqueConstraint(fields=["count", "school"], name="unique_reach_count_school")
        ]

    def __str__(self):
        return f"{self.count} {self.school_id}"


def export_stale_after() -> timedelta:
    """How long a queued or running download may go without progress before it counts as one no
    worker will finish: the task's hard time limit plus a margin."""
    return timedelta(seconds=settings.REACH_EXPORT_TIME_LIMIT) + EXPORT_STALE_MARGIN


class ReachExportJobQuerySet(models.QuerySet):
    def waiting(self):
        """Queued or being prepared."""
        return self.filter(status__in=WAITING)

    def stale(self, *, now=None):
        """Waiting with no progress for longer than the task may run: its worker died, or no
        worker took it (``export_stale_after``)."""
        return self.waiting().filter(
            progressed_at__lt=(now or timezone.now()) - export_stale_after()
        )


class ReachExportJob(models.Model):
    """A reach download prepared in the background (``rapportage.tasks.build_reach_export``):
    the dashboard's parameters as the view computed them, the progress and, once ready, the
    file. Only the user who asked sees it; it is removed after ``EXPORT_KEPT_FOR``."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("asked by"),
    )
    fmt = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    breakdown = models.CharField(_("breakdown"), max_length=20, blank=True)
    # The schools shown and every school the reader may see (small counts are hidden as in
    # the report of the whole scope), as ids: the scope at the moment of asking.
    school_ids = models.JSONField(_("schools"), default=list)
    scope_ids = models.JSONField(_("scope"), default=list)
    min_cell = models.PositiveSmallIntegerField(_("smallest count shown"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # When the job was asked for or last moved on (started, a step done): a queued or running
    # job that has not moved for longer than the task's time limit will never finish.
    progressed_at = models.DateTimeField(_("last progress"), default=timezone.now)
    error = models.CharField(_("error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    content = models.BinaryField(_("content"), null=True, blank=True)
    # ``exports.reach_export_fingerprint`` of what the file was built from, read before and
    # after building it (empty when they differ, or part of the figures was counted while
    # building): a later ask with the same fingerprint gets this file instead of a new build.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    filename = models.CharField(_("file name"), max_length=100, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)

    objects = ReachExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("prepared reach download")
        verbose_name_plural = _("prepared reach downloads")

    def __str__(self):
        return f"{self.public_id} {self.status}"

    @property
    def is_done(self) -> bool:
        return self.status in (ExportStatus.READY, ExportStatus.FAILED)

    @property
    def is_stale(self) -> bool:
        """The model's side of ``ReachExportJobQuerySet.stale``."""
        return self.status in WAITING and self.progressed_at < timezone.now() - export_stale_after()
