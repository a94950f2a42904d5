"""The coordinators' daily digest and the partner's notice of a new referral.

Both emails hold counts, a school name and links into the portal; never a name, a theme or a
note. Who may see the records behind the link is decided by the portal's access policy.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from familieschool.celery import RELIABLE, app
from familieschool.constants import Role
from familieschool.models import School, User
from familieschool.notifications import (
    absolute_url,
    enqueue_unsent,
    send_email,
    send_once,
)
from familieschool.retention import RetentionRule

from .models import Contact, Referral
from .selectors import digest_counts

DIGEST = "coordinator-digest"
REFERRAL_NOTICE = "referral-notice"


def _stale_days() -> int:
    return settings.REFERRAL_STALE_DAYS


def _digest_counts(today: date, schools=None) -> dict[int, dict[str, int]]:
    now = timezone.now()
    return digest_counts(
        today=today,
        stale_before=now - timedelta(days=_stale_days()),
        # What partners changed since the previous digest (a day ago), so she hears it from us.
        updates_since=now - timedelta(days=1),
        schools=schools,
    )


def _coordinators():
    return User.objects.filter(role=Role.COORDINATOR, is_active=True).exclude(email="")


def _key(user_id: int, day: date) -> str:
    return f"{user_id}:{day.isoformat()}"


@app.task(name="servicepunt.tasks.send_coordinator_digests", **RELIABLE)
def send_coordinator_digests(day: str = "") -> int:
    """Queue a digest for each coordinator with something to follow up at one of her schools."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    schools_with_work = set(_digest_counts(today))
    recipients = sorted(
        set(
            _coordinators()
            .filter(schools__in=schools_with_work)
            .values_list("pk", flat=True)
            .distinct()
        )
    )
    jobs = {_key(pk, today): {"user_id": pk, "day": today.isoformat()} for pk in recipients}
    return enqueue_unsent("servicepunt.tasks.send_coordinator_digest", kind=DIGEST, jobs=jobs)


@app.task(name="servicepunt.tasks.send_coordinator_digest", **RELIABLE)
def send_coordinator_digest(user_id: int, day: str) -> bool:
    """Email one coordinator the counts of what awaits follow-up at her schools, at most once."""
    today = date.fromisoformat(day)
    user = _coordinators().filter(pk=user_id).first()
    if user is None:
        return False
    schools = list(School.objects.filter(coordinators=user).order_by("name"))
    counts = _digest_counts(today, schools)
    rows = [
        {"school": school.name, **counts[school.pk]} for school in schools if school.pk in counts
    ]
    if not rows:
        return False
    context = {
        "day": today,
        "rows": rows,
        "stale_days": _stale_days(),
        "referrals_url": absolute_url("servicepunt:referral-list"),
        "contacts_url": absolute_url("servicepunt:contact-list") + "?outcome=follow_up",
    }
    return send_once(
        kind=DIGEST,
        key=_key(user_id, today),
        send=lambda: send_email(to=user.email, name="coordinator_digest", context=context),
    )


def _referral_recipients(referral: Referral) -> list[tuple[str, str]]:
    """(sent-log suffix, address): the partner's active staff, else its contact address."""
    staff = list(
        User.objects.filter(organisation=referral.partner, role=Role.PARTNER, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", "email")
    )
    if staff:
        return [(f"user-{pk}", email) for pk, email in staff]
    if referral.partner.contact_email:
        return [("organisation", referral.partner.contact_email)]
    return []


@app.task(name="servicepunt.tasks.notify_referral_created", **RELIABLE)
def notify_referral_created(referral_id: int) -> int:
    """Tell the partner's staff that a referral awaits them (no name, no theme); once each."""
    referral = (
        Referral.objects.consent_standing()
        .select_related("school", "partner")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        return 0
    context = {
        "school": referral.school.name,
        "partner": referral.partner.name,
        "warm_handover": referral.warm_handover,
        "referrals_url": absolute_url("servicepunt:partner-referral-list", fallback="home"),
    }
    sent = 0
    for suffix, address in _referral_recipients(referral):
        sent += send_once(
            kind=REFERRAL_NOTICE,
            key=f"{referral_id}:{suffix}",
            send=lambda address=address: send_email(
                to=address, name="referral_notice", context=context
            ),
        )
    return sent


# --- retention: a contact or a referral (made or changed) is a registration ------------


def _registrations(family, cutoff: date, since) -> list:
    return [
        Contact.objects.filter(family=family, occurred_at__gte=since),
        Referral.objects.filter(
            Q(family=family) | Q(parent__family=family),
            Q(created_at__gte=since) | Q(status_changed_at__gte=since),
        ),
    ]


def _personal_data(families) -> dict:
    referrals = Referral.objects.filter(Q(family__in=families) | Q(parent__family__in=families))
    return {
        "contact_notes": (
            Contact.objects.filter(family__in=families).exclude(note=""),
            {"note": ""},
        ),
        "referral_notes": (
            referrals.exclude(outcome_note="", consent_given_by=""),
            {"outcome_note": "", "consent_given_by": ""},
        ),
    }


RETENTION = RetentionRule(registrations=_registrations, personal_data=_personal_data)
