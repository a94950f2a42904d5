"""Retention: the personal data of families out of touch for a long time is anonymised.

A family is *due* when nothing was registered for it on or after the cutoff date (today minus
``RETENTION_MONTHS`` months, default 24) and the family itself was created before it. A
registration is a contact, an appointment, named attendance of a parent or child, an
enrolment, a referral (created or its status changed), or an active parent role in a school
year that had not ended by the cutoff.

Anonymising keeps every row, so the yearly figures stay the same: contacts, appointments,
attendance, enrolments and referrals stay linked to the same family, parent and child. What
goes: parents' names, email, phone and reminder opt-in; children's first names; the notes of
the family's contacts; the outcome note of its referrals and who gave consent; the
"takes part for free" mark of its enrolments. ``Family.anonymised_at`` marks the family, and
such families are never due again, so running the job twice changes nothing.

The job also drops delivered outbox rows after ``OUTBOX_KEEP_DAYS`` (default 30) and sent-log
rows after ``SENT_LOG_KEEP_DAYS`` (default 90). It logs counts only.
"""

import logging
from calendar import monthrange
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from activiteiten.models import ActiveParentRole, Attendance, Enrolment
from partners.models import Appointment
from servicepunt.models import Contact, Referral

from .models import Child, Family, OutboxMessage, Parent, SentLog
from .schoolyear import SchoolYear

__all__ = ["retention_cutoff", "families_due", "retention_plan", "retention_apply"]

logger = logging.getLogger(__name__)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day if it has no such day)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def retention_cutoff(today: date | None = None) -> date:
    """Registrations on or after this date keep a family's personal data."""
    today = today or timezone.localdate()
    return months_before(today, int(getattr(settings, "RETENTION_MONTHS", 24)))


def families_due(*, today: date | None = None) -> QuerySet[Family]:
    """Families not yet anonymised without any registration since the cutoff (one query)."""
    cutoff = retention_cutoff(today)
    since = timezone.make_aware(datetime.combine(cutoff, time.min))
    family = OuterRef("pk")
    recent = [
        Contact.objects.filter(family=family, occurred_at__gte=since),
        Appointment.objects.filter(Q(family=family) | Q(parent__family=family), date__gte=cutoff),
        Attendance.objects.filter(
            Q(parent__family=family) | Q(child__family=family), session__date__gte=cutoff
        ),
        Enrolment.objects.filter(
            Q(parent__family=family) | Q(child__family=family), requested_at__gte=since
        ),
        Referral.objects.filter(
            Q(family=family) | Q(parent__family=family),
            Q(created_at__gte=since) | Q(status_changed_at__gte=since),
        ),
        ActiveParentRole.objects.filter(
            parent__family=family, school_year__gte=SchoolYear.of(cutoff).label
        ),
    ]
    qs = Family.objects.filter(anonymised_at__isnull=True, created_at__lt=since)
    for registrations in recent:
        qs = qs.exclude(Exists(registrations))
    return qs


def _targets(families: QuerySet[Family]) -> dict[str, QuerySet]:
    in_family = Q(family__in=families) | Q(parent__family__in=families)
    return {
        "parents": Parent.objects.filter(family__in=families),
        "children": Child.objects.filter(family__in=families),
        "contact_notes": Contact.objects.filter(family__in=families).exclude(note=""),
        "referral_notes": Referral.objects.filter(in_family).exclude(
            outcome_note="", consent_given_by=""
        ),
        "free_of_charge_marks": Enrolment.objects.filter(
            Q(child__family__in=families) | Q(parent__family__in=families), free_of_charge=True
        ),
    }


def _delivery_logs(now=None) -> dict[str, QuerySet]:
    now = now or timezone.now()
    outbox_days = int(getattr(settings, "OUTBOX_KEEP_DAYS", 30))
    sent_log_days = int(getattr(settings, "SENT_LOG_KEEP_DAYS", 90))
    return {
        "outbox_rows": OutboxMessage.objects.filter(sent_at__lt=now - timedelta(days=outbox_days)),
        "sent_log_rows": SentLog.objects.filter(sent_at__lt=now - timedelta(days=sent_log_days)),
    }


def retention_plan(*, today: date | None = None) -> dict[str, int]:
    """What ``retention_apply`` would do today: counts only, nothing changes."""
    families = families_due(today=today)
    counts = {"families": families.count()}
    counts.update({name: qs.count() for name, qs in _targets(families).items()})
    counts.update({name: qs.count() for name, qs in _delivery_logs().items()})
    return counts


@transaction.atomic
def retention_apply(*, today: date | None = None) -> dict[str, int]:
    """Anonymise the families due and drop old delivery logs; returns and logs the counts."""
    ids = list(families_due(today=today).select_for_update().values_list("pk", flat=True))
    families = Family.objects.filter(pk__in=ids)
    targets = _targets(families)
    counts = {
        "families": len(ids),
        "parents": targets["parents"].update(
            first_name="", last_name="", email="", phone="", reminders_opt_in=False
        ),
        "children": targets["children"].update(first_name=""),
        "contact_notes": targets["contact_notes"].update(note=""),
        "referral_notes": targets["referral_notes"].update(outcome_note="", consent_given_by=""),
        "free_of_charge_marks": targets["free_of_charge_marks"].update(free_of_charge=False),
    }
    families.update(anonymised_at=timezone.now())
    for name, qs in _delivery_logs().items():
        counts[name] = qs.delete()[0]
    logger.info("retention: %s", ", ".join(f"{name}={value}" for name, value in counts.items()))
    return counts
