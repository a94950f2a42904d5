"""Reminders to parents the day before an activity, in their own language where we have it.

Who gets a reminder for an activity taking place tomorrow (not cancelled, school open):

* a parent signed up for it, or with a child enrolled in it
  (``activiteiten.selectors.sessions_on``);
* for an activity that needs no sign-up, also a parent who came to one of its sessions in the
  last ``REMINDER_ATTENDANCE_DAYS`` days (default 90), or whose child did;

and only when that parent opted in to reminders, gave an email address and belongs to a
family that has not been anonymised. Templates exist in Dutch, English, Arabic and Turkish;
any other preferred language gets the Dutch one.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from familieschool.celery import RELIABLE, app
from familieschool.models import Parent
from familieschool.notifications import already_sent, email_language, send_email, send_once
from familieschool.outbox import enqueue
from familieschool.recurrence import occurrences
from familieschool.retention import RetentionRule
from familieschool.schoolyear import SchoolYear

from .models import ActiveParentRole, Activity, Attendance, Enrolment, Session
from .selectors import closed_days_by_school, sessions_on

KIND = "activity-reminder"
WANTS_REMINDERS = Q(reminders_opt_in=True, family__anonymised_at__isnull=True) & ~Q(email="")


def _attendance_days() -> int:
    return int(getattr(settings, "REMINDER_ATTENDANCE_DAYS", 90))


def _key(parent_id: int, activity_id: int, day: date) -> str:
    return f"{parent_id}:{activity_id}:{day.isoformat()}"


def _open_activities_on(day: date) -> list[Activity]:
    """Activities without sign-up that take place on ``day``."""
    activities = list(
        Activity.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            valid_from__lte=day,
            weekday=day.weekday(),
            signup_required=False,
        ).select_related("school")
    )
    if not activities:
        return []
    closed = closed_days_by_school({a.school for a in activities}, day, day)
    cancelled = set(
        Session.objects.filter(activity__in=activities, date=day, cancelled=True).values_list(
            "activity_id", flat=True
        )
    )
    return [
        activity
        for activity in activities
        if occurrences(activity, day, day)
        and day not in closed[activity.school_id]
        and activity.pk not in cancelled
    ]


def reminders_due(day: date) -> dict[tuple[int, int], tuple[Parent, Activity]]:
    """(parent id, activity id) -> (parent, activity) for every reminder due for ``day``."""
    due = {}
    for row in sessions_on(day):
        for parent in row.parents:
            due[(parent.pk, row.activity.pk)] = (parent, row.activity)
    activities = {activity.pk: activity for activity in _open_activities_on(day)}
    if not activities:
        return due
    came = Attendance.objects.filter(
        session__activity__in=list(activities),
        session__date__gte=day - timedelta(days=_attendance_days()),
        session__date__lt=day,
        session__cancelled=False,
    )
    by_parent = set(
        came.filter(parent__isnull=False).values_list("session__activity_id", "parent_id")
    )
    by_family = set(
        came.filter(child__isnull=False).values_list("session__activity_id", "child__family_id")
    )
    parent_ids = {pk for _, pk in by_parent}
    family_ids = {pk for _, pk in by_family}
    parents = Parent.objects.filter(WANTS_REMINDERS).filter(
        Q(pk__in=parent_ids) | Q(family_id__in=family_ids)
    )
    for parent in parents:
        for activity_id, activity in activities.items():
            if (activity_id, parent.pk) in by_parent or (
                activity_id,
                parent.family_id,
            ) in by_family:
                due.setdefault((parent.pk, activity_id), (parent, activity))
    return due


@app.task(name="activiteiten.tasks.send_activity_reminders", **RELIABLE)
def send_activity_reminders(day: str = "") -> int:
    """Queue a reminder for each parent with an activity on ``day`` (default tomorrow)."""
    target = date.fromisoformat(day) if day else timezone.localdate() + timedelta(days=1)
    pairs = sorted(reminders_due(target))
    done = already_sent(KIND, [_key(p, a, target) for p, a in pairs])
    queued = 0
    for parent_id, activity_id in pairs:
        if _key(parent_id, activity_id, target) not in done:
            enqueue(
                "activiteiten.tasks.send_activity_reminder",
                parent_id=parent_id,
                activity_id=activity_id,
                day=target.isoformat(),
            )
            queued += 1
    return queued


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
