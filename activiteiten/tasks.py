"""Reminders to parents the day before an activity, in their own language where we have it.

Who gets one is decided by ``activiteiten.selectors.reminders_due``. Templates exist in Dutch,
English, Arabic and Turkish; any other preferred language gets the Dutch one.
"""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from familieschool.celery import RELIABLE, app
from familieschool.notifications import (
    email_language,
    enqueue_unsent,
    send_email,
    send_once,
)
from familieschool.retention import RetentionRule
from familieschool.schoolyear import SchoolYear

from .models import ActiveParentRole, Attendance, Enrolment
from .selectors import reminders_due

KIND = "activity-reminder"


def _key(parent_id: int, activity_id: int, day: date) -> str:
    return f"{parent_id}:{activity_id}:{day.isoformat()}"


@app.task(name="activiteiten.tasks.send_activity_reminders", **RELIABLE)
def send_activity_reminders(day: str = "") -> int:
    """Queue a reminder for each parent with an activity on ``day`` (default tomorrow)."""
    target = date.fromisoformat(day) if day else timezone.localdate() + timedelta(days=1)
    jobs = {
        _key(parent_id, activity_id, target): {
            "parent_id": parent_id,
            "activity_id": activity_id,
            "day": target.isoformat(),
        }
        for parent_id, activity_id in sorted(reminders_due(target))
    }
    return enqueue_unsent("activiteiten.tasks.send_activity_reminder", kind=KIND, jobs=jobs)


@app.task(name="activiteiten.tasks.send_activity_reminder", **RELIABLE)
def send_activity_reminder(parent_id: int, activity_id: int, day: str) -> bool:
    """Email one parent about one activity on ``day``, in their language, at most once."""
    target = date.fromisoformat(day)
    found = reminders_due(target).get((parent_id, activity_id))
    if found is None:
        return False
    parent, activity = found
    language = email_language(parent.preferred_language)
    context = {
        "day": target,
        "title": activity.title_in(language),
        "start_time": activity.start_time,
        "end_time": activity.end_time,
        "location": activity.location,
        "school": activity.school.name,
    }
    return send_once(
        kind=KIND,
        key=_key(parent_id, activity_id, target),
        send=lambda: send_email(
            to=parent.email, name="activity_reminder", context=context, language=language
        ),
    )


# --- retention ---------------------------------------------------------------------------


def _registrations(family, cutoff: date, since) -> list:
    """Named attendance, an enrolment or sign-up, or an active role in a year not yet over."""
    return [
        Attendance.objects.filter(
            Q(parent__family=family) | Q(child__family=family), session__date__gte=cutoff
        ),
        Enrolment.objects.filter(
            Q(parent__family=family) | Q(child__family=family), requested_at__gte=since
        ),
        ActiveParentRole.objects.filter(
            parent__family=family, school_year__gte=SchoolYear.of(cutoff).label
        ),
    ]


def _personal_data(families) -> dict:
    # Who takes part for free says something about a family's money: it goes too.
    enrolments = Enrolment.objects.filter(
        Q(child__family__in=families) | Q(parent__family__in=families), free_of_charge=True
    )
    return {"free_of_charge_marks": (enrolments, {"free_of_charge": False})}


RETENTION = RetentionRule(registrations=_registrations, personal_data=_personal_data)
