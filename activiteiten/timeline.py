"""The family timeline's activity entries: who of the family came to which session."""

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from familieschool.models import Family
from familieschool.timeline import TimelineCursor, TimelineEntry

from .models import Attendance, Enrolment


def _at(day, at: time | None = None) -> datetime:
    return timezone.make_aware(datetime.combine(day, at or time(12, 0)))


def _child_name(child) -> str:
    return child.first_name or str(child.get_group_display())


def activity_entries(
    family: Family, *, before: TimelineCursor | None = None, limit: int | None = None
) -> list[TimelineEntry]:
    """Attendance and enrolments of the family's parents and children, newest first: at most
    ``limit`` of each after ``before``, in two queries."""
    entries = []
    # Two indexed lookups (through the parents, through the children) joined by UNION: an OR
    # across the two joins makes PostgreSQL read the attendance of every family in the city.
    ids = (
        Attendance.objects.filter(parent__family=family)
        .values("pk")
        .union(Attendance.objects.filter(child__family=family).values("pk"))
    )
    attendances = (
        Attendance.objects.filter(pk__in=ids)
        .select_related("session__activity", "parent", "child")
        .order_by("-session__date", "-session__activity__start_time", "-pk")
    )
    if before:
        attendances = attendances.filter(
            before.older_local(
                "activity", day="session__date", time="session__activity__start_time"
            )
        )
    for row in attendances[:limit]:
        session, activity = row.session, row.session.activity
        who = (
            row.parent.display_name if row.parent_id else (row.child.first_name or str(_("Child")))
        )
        detail = who + (f" · {_('first time')}" if row.first_time else "")
        if session.topic:
            detail = f"{detail} · {session.topic}"
        entries.append(
            TimelineEntry(
                at=_at(session.date, activity.start_time),
                kind="activity",
                title=activity.title,
                detail=detail,
                url=reverse(
                    "activiteiten:attendance",
                    kwargs={"pk": activity.pk, "day": session.date.isoformat()},
                ),
                pk=row.pk,
            )
        )
    enrolment_ids = (
        Enrolment.objects.filter(parent__family=family)
        .values("pk")
        .union(Enrolment.objects.filter(child__family=family).values("pk"))
    )
    enrolments = (
        Enrolment.objects.filter(pk__in=enrolment_ids)
        .select_related("activity", "parent", "child")
        .order_by("-requested_at", "-pk")
    )
    if before:
        enrolments = enrolments.filter(before.older("enrolment", at="requested_at"))
    for enrolment in enrolments[:limit]:
        who = enrolment.parent.display_name if enrolment.parent_id else _child_name(enrolment.child)
        entries.append(
            TimelineEntry(
                at=enrolment.requested_at,
                kind="enrolment",
                title=enrolment.activity.title,
                detail=f"{who} · {enrolment.get_status_display()}",
                url=reverse("activiteiten:enrolment-list", kwargs={"pk": enrolment.activity_id}),
                pk=enrolment.pk,
            )
        )
    return entries
