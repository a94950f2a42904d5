from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieschool.models import School
from familieschool.schoolyear import validate_school_year_label


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
