"""Writes of the partners app: booking, appointment status, cancelled dates, calendar tokens."""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from familieschool.constants import AuditAction
from familieschool.models import Family, Parent
from familieschool.services import audit_log_record
from servicepunt.constants import ReferralStatus
from servicepunt.models import Contact, Referral, Theme
from servicepunt.services import referral_set_status

from .constants import AppointmentStatus
from .models import Appointment, Spreekuur, SpreekuurCancellation
from .selectors import slot_times, spreekuur_occurrences, walk_in_occurrences

__all__ = [
    "appointment_book",
    "referral_walk_in_set",
    "appointment_set_status",
    "spreekuur_cancel_date",
    "spreekuur_restore_date",
    "calendar_token_renew",
    "double_booking_message",
]

# Booking moves a referral from these statuses to "appointment planned".
PLAN_FROM = (ReferralStatus.REGISTERED, ReferralStatus.NOT_REACHED)


def double_booking_message() -> str:
    """The message for a time someone else booked first."""
    return _("This time is already booked. Choose another time.")


def _taken(spreekuur: Spreekuur, day: date, at: time, *, exclude: int | None = None) -> bool:
    qs = Appointment.objects.filter(spreekuur=spreekuur, date=day, start_time=at).exclude(
        status=AppointmentStatus.CANCELLED
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def _takes_place(spreekuur: Spreekuur, day: date) -> bool:
    return bool(spreekuur_occurrences([spreekuur], day, day, include_cancelled=False))


def _save_slot(appointment: Appointment) -> None:
    # The service checks the slot first, but two coordinators can still pick the same time at
    # once: the conditional unique constraint is the last word, and its IntegrityError becomes
    # the same clear message. The savepoint keeps the outer transaction usable.
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        raise ValidationError({"slot": double_booking_message()}) from exc


@transaction.atomic
def appointment_book(
    *,
    user,
    spreekuur: Spreekuur,
    day: date,
    start_time: time,
    contact: Contact | None = None,
    referral: Referral | None = None,
    family: Family | None = None,
    parent: Parent | None = None,
    theme: Theme | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Book a parent into a free time of a spreekuur; a taken time is refused."""
    now = timezone.localtime(now)
    # Bookings of one spreekuur wait for each other here (on PostgreSQL), so the check below
    # sees the other booking; the constraint in _save_slot covers any database without locks.
    spreekuur = (
        Spreekuur.objects.select_for_update()
        .select_related("partner", "school")
        .get(pk=spreekuur.pk)
    )
    if referral is not None:
        if referral.partner_id != spreekuur.partner_id or referral.school_id != spreekuur.school_id:
            raise ValidationError(
                {"slot": _("Choose a consultation hour of the referred partner at this school.")}
            )
        if not referral.consent_stands:
            raise ValidationError(_("The parent withdrew consent for this referral."))
        if not referral.is_bookable:
            raise ValidationError(
                _("This referral is closed (%(status)s); it cannot get an appointment.")
                % {"status": referral.get_status_display()}
            )
        contact = contact or referral.contact
        family = family or referral.family
        parent = parent or referral.parent
    if contact is not None:
        if contact.school_id != spreekuur.school_id:
            raise ValidationError(
                {"slot": _("Choose a consultation hour at the contact's school.")}
            )
        family = family or contact.family
        parent = parent or contact.parent
    if family is not None and family.school_id != spreekuur.school_id:
        raise ValidationError(_("This family belongs to another school."))
    if parent is not None and parent.family_id != getattr(family, "pk", None):
        raise ValidationError(_("This parent is not part of the chosen family."))

    if not spreekuur.slot_minutes:
        raise ValidationError({"slot": _("This consultation hour has no times to book.")})
    if not _takes_place(spreekuur, day):
        raise ValidationError({"slot": _("There is no consultation hour on this date.")})
    if start_time not in slot_times(spreekuur):
        raise ValidationError({"slot": _("Choose one of the offered times.")})
    if day < now.date() or (day == now.date() and start_time <= now.time()):
        raise ValidationError({"slot": _("This time has already passed.")})
    if _taken(spreekuur, day, start_time):
        raise ValidationError({"slot": double_booking_message()})

    appointment = Appointment(
        spreekuur=spreekuur,
        date=day,
        start_time=start_time,
        family=family,
        parent=parent,
        contact=contact,
        referral=referral,
        theme=theme,
        status=AppointmentStatus.PLANNED,
        created_by=user,
    )
    appointment.full_clean()
    _save_slot(appointment)
    if referral is not None and referral.status in PLAN_FROM:
        referral_set_status(referral=referral, status=ReferralStatus.APPOINTMENT_PLANNED, user=user)
    if family is not None:
        audit_log_record(user=user, action=AuditAction.CREATE, obj=appointment, family=family)
    return appointment


@transaction.atomic
def appointment_set_status(
    *, appointment: Appointment, status: str, user, today: date | None = None
) -> Appointment:
    """Record whether the parent came (or that the appointment is cancelled)."""
    today = today or timezone.localdate()
    if status not in AppointmentStatus.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    if (
        status in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)
        and appointment.date > today
    ):
        raise ValidationError(
            {"status": _("Whether the parent came can be recorded from the day itself.")}
        )
    reopening = (
        appointment.status == AppointmentStatus.CANCELLED and status != AppointmentStatus.CANCELLED
    )
    if reopening and _taken(
        appointment.spreekuur, appointment.date, appointment.start_time, exclude=appointment.pk
    ):
        raise ValidationError(
            {"status": _("This time was booked by someone else in the meantime.")}
        )
    if status == appointment.status:
        return appointment
    appointment.status = status
    appointment.full_clean()
    try:
        with transaction.atomic():
            appointment.save(update_fields=["status"])
    except IntegrityError as exc:
        raise ValidationError(
            {"status": _("This time was booked by someone else in the meantime.")}
        ) from exc
    if appointment.family_id:
        audit_log_record(
            user=user, action=AuditAction.CHANGE, obj=appointment, family=appointment.family
        )
    return appointment


@transaction.atomic
def spreekuur_cancel_date(
    *, spreekuur: Spreekuur, day: date, reason: str, user, today: date | None = None
) -> tuple[SpreekuurCancellation, int]:
    """Call off one date of a spreekuur; its planned appointments are cancelled with it.

    Returns the cancellation and the number of appointments cancelled.
    """
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason, so that colleagues know why.")})
    if day < today:
        raise ValidationError({"date": _("A date in the past cannot be cancelled.")})
    if spreekuur.cancellations.filter(date=day).exists():
        raise ValidationError({"date": _("This date is already cancelled.")})
    if not _takes_place(spreekuur, day):
        raise ValidationError({"date": _("There is no consultation hour on this date.")})
    cancellation = SpreekuurCancellation(spreekuur=spreekuur, date=day, reason=reason)
    cancellation.full_clean()
    cancellation.save()
    planned = list(
        Appointment.objects.filter(
            spreekuur=spreekuur, date=day, status=AppointmentStatus.PLANNED
        ).select_related("family")
    )
    for appointment in planned:
        appointment.status = AppointmentStatus.CANCELLED
        appointment.save(update_fields=["status"])
        if appointment.family_id:
            audit_log_record(
                user=user, action=AuditAction.CHANGE, obj=appointment, family=appointment.family
            )
    return cancellation, len(planned)


@transaction.atomic
def spreekuur_restore_date(*, cancellation: SpreekuurCancellation, user) -> None:
    """Undo a cancelled date; appointments cancelled with it stay cancelled."""
    cancellation.delete()


@transaction.atomic
def calendar_token_renew(*, user) -> str:
    """Give the user a new secret calendar link; the old one stops working."""
    return user.renew_calendar_token()


@transaction.atomic
def referral_walk_in_set(*, referral: Referral, day: date, user) -> Referral:
    """Record the walk-in date the parent was told to come to the partner's spreekuur."""
    if not referral.is_bookable:
        raise ValidationError(
            _("This referral is closed or the parent withdrew consent; it cannot get a date.")
        )
    dates = {o.date for o in walk_in_occurrences(partner=referral.partner, school=referral.school)}
    if day not in dates:
        raise ValidationError(
            {"walk_in_on": _("Choose one of the coming walk-in dates of this partner.")}
        )
    referral.walk_in_on = day
    referral.save(update_fields=["walk_in_on"])
    audit_log_record(user=user, action=AuditAction.CHANGE, obj=referral, family=referral.family)
    return referral
