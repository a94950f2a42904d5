"""The family timeline's activity entries: who of the family came to which session."""

from functools import partial

from django.urls import reverse
from django.utils.translation import gettext as _

from familieschool.models import Child, Family, Parent
from familieschool.timeline import TimelineCursor, TimelineSource, choice_label, timeline_source

from .models import Attendance, Enrolment

# What the entries of a parent's or a child's row say of who it was.
_PARENT = {
    "parent": "parent_id",
    "parent_first_name": "parent__first_name",
    "parent_last_name": "parent__last_name",
}
_CHILD = {"parent": "parent_id", "child_first_name": "child__first_name"}


def _parent_name(data: dict) -> str:
    parent = Parent(
        pk=data["parent"],
        first_name=data["parent_first_name"],
        last_name=data["parent_last_name"],
    )
    return parent.display_name


def _attendance_text(pk: int, data: dict) -> tuple[str, str, str]:
    who = _parent_name(data) if data["parent"] else (data["child_first_name"] or str(_("Child")))
    detail = who + (f" · {_('first time')}" if data["first_time"] else "")
    if data["topic"]:
        detail = f"{detail} · {data['topic']}"
    url = reverse("activiteiten:attendance", kwargs={"pk": data["activity"], "day": data["day"]})
    return data["title"], detail, url


def _enrolment_text(pk: int, data: dict) -> tuple[str, str, str]:
    if data["parent"]:
        who = _parent_name(data)
    else:
        who = data["child_first_name"] or choice_label(Child, "group", data["child_group"])
    url = reverse("activiteiten:enrolment-list", kwargs={"pk": data["activity"]})
    status = choice_label(Enrolment, "status", data["status"])
    return data["title"], f"{who} · {status}", url


def activity_entries(
    family: Family, *, before: TimelineCursor | None = None, limit: int | None = None
) -> list[TimelineSource]:
    """Attendance and enrolments of the family's parents and children for its timeline,
    newest first: at most ``limit`` of each after ``before``."""
    # A row is a parent's or a child's (a check constraint), so each kind has two sources, each
    # an index lookup (through the parents, through the children) that joins only its own
    # person: an OR across the two joins makes PostgreSQL read the attendance of every family
    # in the city, and a UNION of their ids reads each row twice.
    source = partial(timeline_source, before=before, limit=limit)
    attendance = Attendance.objects.order_by(
        "-session__date", "-session__activity__start_time", "-pk"
    )
    attended = {
        "first_time": "first_time",
        "day": "session__date",
        "topic": "session__topic",
        "activity": "session__activity_id",
        "title": "session__activity__title",
    }
    enrolments = Enrolment.objects.order_by("-requested_at", "-pk")
    enrolled = {"status": "status", "activity": "activity_id", "title": "activity__title"}
    return [
        *(
            source(
                attendance.filter(**{f"{person}__family": family}),
                kind="activity",
                day="session__date",
                time="session__activity__start_time",
                data={**attended, **who},
                describe=_attendance_text,
            )
            for person, who in (("parent", _PARENT), ("child", _CHILD))
        ),
        source(
            enrolments.filter(parent__family=family),
            kind="enrolment",
            at="requested_at",
            data={**enrolled, **_PARENT},
            describe=_enrolment_text,
        ),
        source(
            enrolments.filter(child__family=family),
            kind="enrolment",
            at="requested_at",
            data={**enrolled, **_CHILD, "child_group": "child__group"},
            describe=_enrolment_text,
        ),
    ]
