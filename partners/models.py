from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from familieschool.models import (
    Family,
    Parent,
    PartnerOrganisation,
    RecurringSchedule,
    School,
    ScopedQuerySet,
)
from servicepunt.models import Contact, Referral, Theme

from .constants import AppointmentStatus


class Spreekuur(RecurringSchedule):
    """A partner's consultation hour at a school."""

    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="spreekuren",
        verbose_name=_("partner"),
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="spreekuren", verbose_name=_("school")
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="spreekuren",
        verbose_name=_("staff members"),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when parents cannot book a time."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "weekday", "start_time"]
        verbose_name = _("consultation hour")
        verbose_name_plural = _("consultation hours")

    def __str__(self):
        return f"{self.partner} @ {self.school} ({self.get_weekday_display()})"


class SpreekuurCancellation(models.Model):
    spreekuur = models.ForeignKey(
        Spreekuur,
        on_delete=models.CASCADE,
        related_name="cancellations",
        verbose_name=_("consultation hour"),
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("cancelled date")
        verbose_name_plural = _("cancelled dates")
        constraints = [
            models.UniqueConstraint(fields=["spreekuur", "date"], name="unique_cancellation")
        ]

    def __str__(self):
        return f"{self.spreekuur} {self.date}"


class Appointment(models.Model):
    spreekuur = models.ForeignKey(
        Spreekuur,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("consultation hour"),
    )
    date = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("time"))
    family = models.ForeignKey(
        Family,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("family"),
    )
    parent = models.ForeignKey(
        Parent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("parent"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("contact"),
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("referral"),
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("theme"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.PLANNED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["spreekuur", "date", "start_time"],
                condition=~Q(status=AppointmentStatus.CANCELLED),
                name="no_double_booking",
                violation_error_message=_("This time is already booked."),
            )
        ]

    def __str__(self):
        return f"{self.spreekuur} {self.date} {self.start_time:%H:%M}"
