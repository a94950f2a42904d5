"""The morning before a spreekuur, each staff member gets the number of appointments.

Beat runs ``send_spreekuur_reminders`` a few times each morning (see the beat schedule
migration); it queues one ``send_spreekuur_reminder`` per staff member with a spreekuur
tomorrow who has not had this reminder yet. The email holds the school, the time, the room and
the number of appointments, and a link to the weekly list: no names, no themes.
"""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from familieschool.celery import RELIABLE, app
from familieschool.models import User
from familieschool.notifications import (
    absolute_url,
    enqueue_unsent,
    send_email,
    send_once,
)
from familieschool.retention import RetentionRule

from .models import Appointment
from .selectors import occurrences_on
from .weeks import monday_of, week_label

KIND = "spreekuur-reminder"


def _key(user_id: int, day: date) -> str:
    return f"{user_id}:{day.isoformat()}"


def _tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


def _staff_ids(rows) -> set[int]:
    return {
        user.pk
        for row in rows
        for user in row.spreekuur.staff.all()
        if user.is_active and user.email
    }


@app.task(name="partners.tasks.send_spreekuur_reminders", **RELIABLE)
def send_spreekuur_reminders(day: str = "") -> int:
    """Queue a reminder for each staff member with a spreekuur on ``day`` (default tomorrow)."""
    target = date.fromisoformat(day) if day else _tomorrow()
    jobs = {
        _key(pk, target): {"user_id": pk, "day": target.isoformat()}
        for pk in sorted(_staff_ids(occurrences_on(target)))
    }
    return enqueue_unsent("partners.tasks.send_spreekuur_reminder", kind=KIND, jobs=jobs)


@app.task(name="partners.tasks.send_spreekuur_reminder", **RELIABLE)
def send_spreekuur_reminder(user_id: int, day: str) -> bool:
    """Email one staff member about their spreekuren on ``day``, at most once."""
    target = date.fromisoformat(day)
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    rows = [row for row in occurrences_on(target) if user_id in _staff_ids([row])]
    if not rows:
        return False
    context = {
        "day": target,
        "spreekuren": [
            {
                "school": row.spreekuur.school.name,
                "partner": row.spreekuur.partner.name,
                "start_time": row.spreekuur.start_time,
                "end_time": row.spreekuur.end_time,
                "room": row.spreekuur.room,
                "appointments": row.appointment_count,
            }
            for row in rows
        ],
        "week_url": _week_url(target),
    }
    return send_once(
        kind=KIND,
        key=_key(user_id, target),
        send=lambda: send_email(to=user.email, name="spreekuur_reminder", context=context),
    )


def _week_url(day: date) -> str:
    return f"{absolute_url('partners:week')}?week={week_label(monday_of(day))}"


# An appointment (of the family or one of its parents) on or after the cutoff is a
# registration; appointments hold no personal data of their own.
RETENTION = RetentionRule(
    registrations=lambda family, cutoff, since: [
        Appointment.objects.filter(Q(family=family) | Q(parent__family=family), date__gte=cutoff)
    ]
)
