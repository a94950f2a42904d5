"""Retention: the personal data of families out of touch for a long time is anonymised.

A family is *due* when nothing was registered for it on or after the cutoff date (today minus
``RETENTION_MONTHS`` months, default 24) and the family itself was created before it. The core
never imports an app: each app says what counts as a registration and which personal data it
holds in a ``RETENTION`` rule in its ``tasks.py``, registered from its ``plugins.py``
(servicepunt: contacts and referrals; partners: appointments; activiteiten: attendance of a
parent or child, enrolments and sign-ups, active parent roles).

Anonymising keeps every row, so the yearly figures stay the same: contacts, appointments,
attendance, enrolments and referrals stay linked to the same family, parent and child. What
goes: parents' names, email, phone and reminder opt-in, children's first names, and what the
apps list (notes, who gave consent, the "takes part for free" mark). ``Family.anonymised_at``
marks the family, and such families are never due again, so a second run changes nothing.

The job also drops delivered outbox rows after ``OUTBOX_KEEP_DAYS`` (default 30), sent-log
rows after ``SENT_LOG_KEEP_DAYS`` (default 90) and audit log rows after
``AUDIT_LOG_KEEP_MONTHS`` (default 60). It logs counts only. ``families_anonymise`` is the same
anonymisation for chosen families: the erasure of one family on request (AVG art. 17) uses it.
"""

import logging
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from .models import AuditLog, Child, Family, OutboxMessage, Parent, SentLog
from .registry import retention_rules

__all__ = [
    "RetentionRule",
    "families_anonymise",
    "families_due",
    "months_before",
    "retention_apply",
    "retention_cutoff",
    "retention_plan",
]

logger = logging.getLogger(__name__)

# (queryset, fields to blank) per kind of personal data
Scrub = dict[str, tuple[QuerySet, dict]]


@dataclass(frozen=True)
class RetentionRule:
    """What one app contributes to the retention job.

    ``registrations(family, cutoff, since)`` returns querysets of the app's records of
    ``family`` (an ``OuterRef``) on or after ``cutoff`` (a date) or ``since`` (its local
    midnight); ``personal_data(families)`` returns what to blank for those families.
    """

    registrations: Callable[[OuterRef, date, datetime], list[QuerySet]]
    personal_data: Callable[[QuerySet[Family]], Scrub] = field(default=lambda families: {})


def _core_personal_data(families: QuerySet[Family]) -> Scrub:
    return {
        "parents": (
            Parent.objects.filter(family__in=families),
            {
                "first_name": "",
                "last_name": "",
                "email": "",
                "phone": "",
                "reminders_consent_on": None,
            },
        ),
        "children": (Child.objects.filter(family__in=families), {"first_name": ""}),
    }


CORE = RetentionRule(
    registrations=lambda family, cutoff, since: [], personal_data=_core_personal_data
)


def rules() -> list[RetentionRule]:
    """The core's rule and the rule each app registered from its ``plugins.py``."""
    return [CORE, *retention_rules]


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day if it has no such day)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def retention_cutoff(today: date | None = None) -> date:
    """Registrations on or after this date keep a family's personal data."""
    today = today or timezone.localdate()
    return months_before(today, settings.RETENTION_MONTHS)


def families_due(*, today: date | None = None) -> QuerySet[Family]:
    """Families not yet anonymised without any registration since the cutoff (one query)."""
    cutoff = retention_cutoff(today)
    since = timezone.make_aware(datetime.combine(cutoff, time.min))
    qs = Family.objects.filter(anonymised_at__isnull=True, created_at__lt=since)
    for rule in rules():
        for registrations in rule.registrations(OuterRef("pk"), cutoff, since):
            qs = qs.exclude(Exists(registrations))
    return qs


def _personal_data(families: QuerySet[Family]) -> Scrub:
    scrub: Scrub = {}
    for rule in rules():
        scrub.update(rule.personal_data(families))
    return scrub


def _audit_log_cutoff() -> datetime:
    today = timezone.localdate()
    cutoff = months_before(today, settings.AUDIT_LOG_KEEP_MONTHS)
    return timezone.make_aware(datetime.combine(cutoff, time.min))


def _delivery_logs() -> dict[str, QuerySet]:
    now = timezone.now()
    outbox_days = settings.OUTBOX_KEEP_DAYS
    sent_log_days = settings.SENT_LOG_KEEP_DAYS
    return {
        "outbox_rows": OutboxMessage.objects.filter(sent_at__lt=now - timedelta(days=outbox_days)),
        "sent_log_rows": SentLog.objects.filter(sent_at__lt=now - timedelta(days=sent_log_days)),
    }


def retention_plan(*, today: date | None = None) -> dict[str, int]:
    """What ``retention_apply`` would do today: counts only, nothing changes."""
    families = families_due(today=today)
    counts = {"families": families.count()}
    counts.update({name: qs.count() for name, (qs, _) in _personal_data(families).items()})
    counts.update({name: qs.count() for name, qs in _delivery_logs().items()})
    counts["audit_log_rows"] = AuditLog.objects.filter(at__lt=_audit_log_cutoff()).count()
    return counts


@transaction.atomic
def families_anonymise(*, ids: list[int]) -> dict[str, int]:
    """Blank the personal data of these families and mark them; their rows and figures stay."""
    families = Family.objects.filter(pk__in=ids)
    counts = {"families": len(ids)}
    for name, (qs, blank) in _personal_data(families).items():
        counts[name] = qs.update(**blank)
    families.update(anonymised_at=timezone.now())
    return counts


@transaction.atomic
def retention_apply(*, today: date | None = None) -> dict[str, int]:
    """Anonymise the families due and drop old delivery logs; returns and logs the counts."""
    ids = list(families_due(today=today).select_for_update().values_list("pk", flat=True))
    counts = families_anonymise(ids=ids)
    for name, qs in _delivery_logs().items():
        counts[name] = qs.delete()[0]
    counts["audit_log_rows"] = AuditLog.objects.expire(before=_audit_log_cutoff())
    logger.info("retention: %s", ", ".join(f"{name}={value}" for name, value in counts.items()))
    return counts
