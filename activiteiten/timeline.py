"""The family timeline's activity entries: who of the family came to which session."""

from datetime import datetime, time
from functools import partial

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from familieschool.models import Family
from familieschool.timeline import TimelineCursor, TimelineEntry, newest_entries

from .models import Attendance, Enrolment


def _at(day, at: time | None = None) -> datetime:
    return timezone.make_aware(datetime.combine(day, at or time(12, 0)))


def _child_name(child) -> str:
    return child.first_name or str(child.get_group_display())


def _attendance_text(row: Attendance) -> tuple[str, str, str]:
    session, activity = row.session, row.session.activity
    who = row.parent.display_name if row.parent_id else (row.child.first_name or str(_("Child")))
    detail = who + (f" · {_('first time')}" if row.first_time else "")
    if session.topic:
        detail = f"{detail} · {session.topic}"
    url = reverse(
        "activiteiten:attendance", kwargs={"pk": activity.pk, "day": session.date.isoformat()}
    )
    return activity.title, detail, url


def _enrolment_text(enrolment: Enrolment) -> tuple[str, str, str]:
    who = enrolment.parent.display_name if enrolment.parent_id else _child_name(enrolment.child)
    url = reverse("activiteiten:enrolment-list", kwargs={"pk": enrolment.activity_id})
    return enrolment.activity.title, f"{who} · {enrolment.get_status_display()}", url


def activity_entries(
    family: Family, *, before: TimelineCursor | None = None, limit: int | None = None
) -> list[TimelineEntry]:
    """Attendance and enrolments of the family's parents and children, newest first: at most
    ``limit`` of each after ``before``, in two queries."""
    # Two indexed lookups (through the parents, through the children) joined by UNION: an OR
    # across the two joins makes PostgreSQL read the attendance of every family in the city.
    ids = (
        Attendance.objects.filter(parent__family=family)
        .order_by()
        .values("pk")
        .union(Attendance.objects.filter(child__family=family).order_by().values("pk"))
    )
    attendances = (
        Attendance.objects.filter(pk__in=ids)
        .select_related("session__activity", "parent", "child")
        .only(
            "first_time",
            "session__date",
            "session__topic",
            "session__activity__title",
            "session__activity__start_time",
            "parent__first_name",
            "parent__last_name",
            "child__first_name",
        )
        .order_by("-session__date", "-session__activity__start_time", "-pk")
    )
    if before:
        attendances = attendances.filter(
            before.older_local(
                "activity", day="session__date", time="session__activity__start_time"
            )
        )
    entries = [
        TimelineEntry(
            at=_at(row.session.date, row.session.activity.start_time),
            kind="activity",
            pk=row.pk,
            describe=partial(_attendance_text, row),
        )
        for row in attendances[:limit]
    ]
    enrolment_ids = (
        Enrolment.objects.filter(parent__family=family)
        .order_by()
        .values("pk")
        .union(Enrolment.objects.filter(child__family=family).order_by().values("pk"))
    )
    enrolments = (
        Enrolment.objects.filter(pk__in=enrolment_ids)
        .select_related("activity", "parent", "child")
        .order_by("-requested_at", "-pk")
    )
    entries += newest_entries(
        enrolments,
        kind="enrolment",
        at="requested_at",
        before=before,
        limit=limit,
        describe=_enrolment_text,
    )
    return entries
