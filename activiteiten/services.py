"""Writes of the activities app: activities, sessions, attendance, enrolment, parent roles."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from familieschool.constants import AuditAction, Recurrence
from familieschool.models import Child, Family, Parent, PartnerOrganisation, School
from familieschool.services import (
    audit_log_entry,
    audit_log_record,
    audit_log_record_many,
    family_create,
    parent_create,
)

from .constants import EnrolmentStatus, Organiser
from .models import (
    ActiveParentRole,
    Activity,
    ActivityFunding,
    ActivityType,
    Attendance,
    Enrolment,
    FundingBudget,
    FundingSource,
    Session,
)

__all__ = [
    "activity_create",
    "activity_update",
    "activity_fundings_set",
    "Funding",
    "funding_budget_save",
    "funding_budget_delete",
    "session_ensure",
    "session_create",
    "session_update",
    "attendance_register",
    "attendance_save",
    "newcomer_create",
    "Newcomer",
    "enrolment_create",
    "enrolment_update",
    "enrolment_withdraw",
    "enrolment_promote",
    "active_role_add",
    "active_role_remove",
]

MAX_HEADCOUNT = 999


def _audit_many(*, user, action: AuditAction, obj, families: Collection[int]) -> None:
    """One audit entry per family in a single insert (the attendance page saves many at once)."""
    if user is None or not families:
        return
    audit_log_record_many(
        entries=[
            audit_log_entry(user=user, action=action, obj=obj, family=Family(pk=family_id))
            for family_id in sorted(families)
        ]
    )


# --- activities ----------------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    user,
    school: School,
    type: ActivityType,
    title: str,
    weekday: int,
    start_time: time,
    end_time: time,
    valid_from: date,
    recurrence: str = Recurrence.WEEKLY,
    nth: int | None = None,
    valid_until: date | None = None,
    description: str = "",
    target_group: str = "",  # empty: the target group of its type
    groups: list[str] | None = None,
    organiser: str = Organiser.SCHOOL,
    organiser_partner: PartnerOrganisation | None = None,
    fundings: list["Funding"] | None = None,
    location: str = "",
    capacity: int | None = None,
    signup_required: bool = False,
    public: bool = True,
    title_en: str = "",
    description_en: str = "",
    title_ar: str = "",
    description_ar: str = "",
    title_tr: str = "",
    description_tr: str = "",
) -> Activity:
    """Create an activity at one of the coordinator's schools, with its funding sources."""
    activity = Activity(
        school=school,
        type=type,
        title=title,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        valid_from=valid_from,
        recurrence=recurrence,
        nth=nth,
        valid_until=valid_until,
        description=description,
        target_group=target_group,
        groups=list(groups or []),
        organiser=organiser,
        organiser_partner=organiser_partner,
        location=location,
        capacity=capacity,
        signup_required=signup_required,
        public=public,
        title_en=title_en,
        description_en=description_en,
        title_ar=title_ar,
        description_ar=description_ar,
        title_tr=title_tr,
        description_tr=description_tr,
    )
    activity.full_clean()
    activity.save()
    if fundings:
        activity_fundings_set(activity=activity, fundings=fundings)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    user,
    school: School,
    type: ActivityType,
    title: str,
    weekday: int,
    start_time: time,
    end_time: time,
    valid_from: date,
    recurrence: str,
    nth: int | None,
    valid_until: date | None,
    description: str,
    target_group: str,
    groups: list[str],
    organiser: str,
    organiser_partner: PartnerOrganisation | None,
    location: str,
    capacity: int | None,
    signup_required: bool,
    public: bool,
    title_en: str = "",
    description_en: str = "",
    title_ar: str = "",
    description_ar: str = "",
    title_tr: str = "",
    description_tr: str = "",
    fundings: list["Funding"] | None = None,
) -> Activity:
    """Change an activity (and, when given, its funding sources); a larger capacity moves
    children up from the waiting list."""
    activity.school = school
    activity.type = type
    activity.title = title
    activity.weekday = weekday
    activity.start_time = start_time
    activity.end_time = end_time
    activity.valid_from = valid_from
    activity.recurrence = recurrence
    activity.nth = nth
    activity.valid_until = valid_until
    activity.description = description
    activity.target_group = target_group
    activity.groups = list(groups)
    activity.organiser = organiser
    activity.organiser_partner = organiser_partner
    activity.location = location
    activity.capacity = capacity
    activity.signup_required = signup_required
    activity.public = public
    activity.title_en = title_en
    activity.description_en = description_en
    activity.title_ar = title_ar
    activity.description_ar = description_ar
    activity.title_tr = title_tr
    activity.description_tr = description_tr
    activity.full_clean()
    activity.save()
    if fundings is not None:
        activity_fundings_set(activity=activity, fundings=fundings)
    enrolment_promote(activity=activity, user=user)
    return activity


@dataclass(frozen=True)
class Funding:
    """A funding source of an activity, with the share (%) or the amount (EUR) it pays."""

    source: FundingSource
    share_pct: Decimal | None = None
    amount: Decimal | None = None


@transaction.atomic
def activity_fundings_set(*, activity: Activity, fundings: list[Funding]) -> list[ActivityFunding]:
    """Replace an activity's funding sources by ``fundings``: each source once, shares together
    at most 100%."""
    rows = [
        ActivityFunding(
            activity=activity, source=row.source, share_pct=row.share_pct, amount=row.amount
        )
        for row in fundings
    ]
    sources = [row.source_id for row in rows]
    if len(sources) != len(set(sources)):
        raise ValidationError({"source": _("This funding source is already listed.")})
    if sum(row.share_pct or 0 for row in rows) > 100:
        raise ValidationError({"share_pct": _("The shares together come to more than 100%.")})
    for row in rows:
        row.full_clean(exclude=["activity"], validate_unique=False)
    ActivityFunding.objects.filter(activity=activity).delete()
    return ActivityFunding.objects.bulk_create(rows)


@transaction.atomic
def funding_budget_save(
    *,
    budget: FundingBudget | None = None,
    school: School,
    source: FundingSource,
    school_year: str,
    amount: Decimal,
    activity: Activity | None = None,
) -> FundingBudget:
    """Add a budget of a funding source for a school (or one of its activities) and a school
    year, or change ``budget``."""
    budget = budget or FundingBudget()
    budget.school, budget.source, budget.school_year = school, source, school_year
    budget.amount, budget.activity = amount, activity
    budget.full_clean()
    budget.save()
    return budget


@transaction.atomic
def funding_budget_delete(*, budget: FundingBudget) -> None:
    """Remove a budget."""
    budget.delete()


# --- sessions ------------------------------------------------------------------------------


def session_ensure(*, activity: Activity, day: date) -> Session:
    """The session of an activity on a day, made on first use."""
    session, _created = Session.objects.get_or_create(activity=activity, date=day)
    return session


@transaction.atomic
def session_create(
    *,
    activity: Activity,
    day: date,
    topic: str = "",
    partner_present: PartnerOrganisation | None = None,
) -> Session:
    """Add a session by hand, also on a date outside the schedule."""
    if Session.objects.filter(activity=activity, date=day).exists():
        raise ValidationError({"date": _("There is already a session on this date.")})
    session = Session(activity=activity, date=day, topic=topic, partner_present=partner_present)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    topic: str,
    partner_present: PartnerOrganisation | None,
    cancelled: bool = False,
) -> Session:
    """Change a session's topic, the partner present, or cancel it."""
    session.topic = topic
    session.partner_present = partner_present
    session.cancelled = cancelled
    session.full_clean()
    session.save()
    return session


# --- attendance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceResult:
    session: Session
    parents: int
    children: int
    first_time: int
    anonymous: int


@transaction.atomic
def attendance_register(
    *,
    session: Session,
    parent_ids: Collection[int],
    child_ids: Collection[int],
    first_time_ids: Collection[int] | None,
    anonymous_count: int,
    user,
) -> AttendanceResult:
    """Make the session's attendance exactly the given parents, children and headcount.

    ``first_time_ids`` are the parents who came for the first time; None works it out (no
    earlier attendance at an activity of the school). Runs a fixed number of queries.
    """
    school_id = session.activity.school_id
    parent_ids, child_ids = set(parent_ids), set(child_ids)
    if anonymous_count is None or not 0 <= anonymous_count <= MAX_HEADCOUNT:
        raise ValidationError(
            {"anonymous_count": _("Enter a number from 0 to %(max)s.") % {"max": MAX_HEADCOUNT}}
        )
    parent_family = dict(
        Parent.objects.filter(
            pk__in=parent_ids, family__school_id=school_id, family__anonymised_at__isnull=True
        ).values_list("pk", "family_id")
    )
    child_family = dict(
        Child.objects.filter(
            pk__in=child_ids, family__school_id=school_id, family__anonymised_at__isnull=True
        ).values_list("pk", "family_id")
    )
    if set(parent_family) != parent_ids or set(child_family) != child_ids:
        raise ValidationError(_("Someone on the list is not a parent or child of this school."))
    if first_time_ids is None:
        seen = set(
            Attendance.objects.filter(
                session__activity__school_id=school_id,
                session__date__lt=session.date,
                parent_id__in=parent_ids,
            ).values_list("parent_id", flat=True)
        )
        first_time_ids = parent_ids - seen
    first_time_ids = set(first_time_ids) & parent_ids

    existing = {
        (row.parent_id, row.child_id): row
        for row in Attendance.objects.filter(session=session).annotate(
            family_ref=Coalesce("parent__family_id", "child__family_id"),
            anonymised_at=Coalesce("parent__family__anonymised_at", "child__family__anonymised_at"),
        )
    }
    wanted = {(pk, None) for pk in parent_ids} | {(None, pk) for pk in child_ids}
    # An anonymised family is not on the page any more, yet its attendance stays counted in the
    # yearly figures: saving an old session must not drop it.
    removed = [
        row for key, row in existing.items() if key not in wanted and row.anonymised_at is None
    ]
    added = [
        Attendance(
            session=session,
            parent_id=parent_id,
            child_id=child_id,
            first_time=parent_id in first_time_ids,
        )
        for parent_id, child_id in wanted - set(existing)
    ]
    changed = []
    for (parent_id, _child_id), row in existing.items():
        if parent_id in parent_ids and row.first_time != (parent_id in first_time_ids):
            row.first_time = parent_id in first_time_ids
            changed.append(row)
    # Ids were checked against the school above and the database holds the constraints;
    # full_clean() per row would cost a query per person.
    if removed:
        Attendance.objects.filter(pk__in=[row.pk for row in removed]).delete()
    if added:
        Attendance.objects.bulk_create(added)
    if changed:
        Attendance.objects.bulk_update(changed, ["first_time"])
    if session.anonymous_count != anonymous_count:
        session.anonymous_count = anonymous_count
        session.save(update_fields=["anonymous_count"])

    families = {row.family_ref for row in removed + changed}
    families |= {
        parent_family.get(row.parent_id) or child_family.get(row.child_id) for row in added
    }
    _audit_many(user=user, action=AuditAction.CHANGE, obj=session, families=families)
    return AttendanceResult(
        session=session,
        parents=len(parent_ids),
        children=len(child_ids),
        first_time=len(first_time_ids),
        anonymous=anonymous_count,
    )


def _next_family_code(school: School) -> str:
    prefix = "N"
    numbers = [
        int(code[len(prefix) :])
        for code in Family.objects.filter(school=school, code__startswith=prefix).values_list(
            "code", flat=True
        )
        if code[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def newcomer_create(
    *,
    school: School,
    first_name: str,
    last_name: str = "",
    code: str = "",
    preferred_language: str = "nl",
    user,
) -> Parent:
    """A new family with one parent, added from the attendance page; the code may be left out."""
    family = family_create(school=school, code=code or _next_family_code(school), user=user)
    return parent_create(
        family=family,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_language=preferred_language,
    )


@dataclass(frozen=True)
class Newcomer:
    """A parent who came for the first time, entered on the attendance page."""

    first_name: str
    last_name: str = ""
    code: str = ""
    preferred_language: str = "nl"


@transaction.atomic
def attendance_save(
    *,
    activity: Activity,
    day: date,
    topic: str,
    partner_present: PartnerOrganisation | None,
    parent_ids: Collection[int],
    child_ids: Collection[int],
    first_time_ids: Collection[int],
    anonymous_count: int,
    newcomers: Collection[Newcomer],
    user,
) -> AttendanceResult:
    """What the attendance page saves in one go: the session, new families and who came."""
    session = session_ensure(activity=activity, day=day)
    if session.topic != topic or session.partner_present != partner_present:
        session_update(
            session=session,
            topic=topic,
            partner_present=partner_present,
            cancelled=session.cancelled,
        )
    parent_ids, first_time_ids = set(parent_ids), set(first_time_ids)
    for newcomer in newcomers:
        parent = newcomer_create(
            school=activity.school,
            first_name=newcomer.first_name,
            last_name=newcomer.last_name,
            code=newcomer.code,
            preferred_language=newcomer.preferred_language,
            user=user,
        )
        parent_ids.add(parent.pk)
        first_time_ids.add(parent.pk)
    return attendance_register(
        session=session,
        parent_ids=parent_ids,
        child_ids=child_ids,
        first_time_ids=first_time_ids,
        anonymous_count=anonymous_count,
        user=user,
    )


# --- enrolment -----------------------------------------------------------------------------


def _places_left(activity: Activity) -> int | None:
    if activity.capacity is None:
        return None
    taken = activity.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    return max(activity.capacity - taken, 0)


def _locked(activity: Activity) -> Activity:
    # Two coordinators withdrawing at once must not both give the last place away.
    return Activity.objects.select_for_update().get(pk=activity.pk)


@transaction.atomic
def enrolment_create(
    *,
    activity: Activity,
    user,
    child: Child | None = None,
    parent: Parent | None = None,
    free_of_charge: bool = False,
) -> Enrolment:
    """Enrol a child or sign up a parent; with no place left they join the waiting list."""
    activity = _locked(activity)
    person = child or parent
    if (child is None) == (parent is None):
        raise ValidationError(_("Enrol either a child or a parent."))
    family = person.family
    if family.school_id != activity.school_id or family.anonymised_at is not None:
        raise ValidationError(_("This person does not belong to the activity's school."))
    if child is not None:
        if not activity.for_children:
            raise ValidationError(_("This activity is not for children."))
        if activity.groups and child.current_group not in activity.groups:
            raise ValidationError(
                _("This activity is for %(groups)s only.") % {"groups": activity.groups_display()}
            )
    if parent is not None and not activity.for_parents:
        raise ValidationError(_("This activity is not for parents."))
    lookup = {"child": child} if child is not None else {"parent": parent}
    enrolment = Enrolment.objects.filter(activity=activity, **lookup).first()
    if enrolment is not None and enrolment.status != EnrolmentStatus.WITHDRAWN:
        raise ValidationError(_("Already enrolled or on the waiting list."))
    if enrolment is None:
        enrolment = Enrolment(activity=activity, **lookup)
    # Everyone joins the end of the queue (also a withdrawn child who asks again); the queue
    # then moves up in order, so nobody passes a child that waits.
    enrolment.status = (
        EnrolmentStatus.ENROLLED if activity.capacity is None else EnrolmentStatus.WAITING
    )
    enrolment.requested_at = timezone.now()
    enrolment.free_of_charge = free_of_charge
    enrolment.enrolled_by = user
    enrolment.full_clean()
    enrolment.save()
    audit_log_record(user=user, action=AuditAction.CREATE, obj=enrolment, family=family)
    if enrolment in enrolment_promote(activity=activity, user=user):
        enrolment.status = EnrolmentStatus.ENROLLED
    return enrolment


@transaction.atomic
def enrolment_update(*, enrolment: Enrolment, free_of_charge: bool, user) -> Enrolment:
    """Record whether a child or parent takes part for free (never shown in a list)."""
    enrolment.free_of_charge = free_of_charge
    enrolment.full_clean()
    enrolment.save(update_fields=["free_of_charge"])
    person = enrolment.child or enrolment.parent
    audit_log_record(user=user, action=AuditAction.CHANGE, obj=enrolment, family=person.family)
    return enrolment


@transaction.atomic
def enrolment_promote(*, activity: Activity, user=None) -> list[Enrolment]:
    """Move the first ones on the waiting list up while there are places."""
    activity = _locked(activity)
    places = _places_left(activity)
    waiting = activity.enrolments.filter(status=EnrolmentStatus.WAITING).order_by(
        "requested_at", "id"
    )
    moved = list(waiting if places is None else waiting[:places])
    for enrolment in moved:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.save(update_fields=["status"])
    return moved


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, user) -> list[Enrolment]:
    """Withdraw an enrolment; a freed place goes to the next on the waiting list."""
    _locked(enrolment.activity)
    enrolment.refresh_from_db()
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return []
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    person = enrolment.child or enrolment.parent
    audit_log_record(user=user, action=AuditAction.CHANGE, obj=enrolment, family=person.family)
    return enrolment_promote(activity=enrolment.activity, user=user)


# --- active parent roles -------------------------------------------------------------------


@transaction.atomic
def active_role_add(*, parent: Parent, school_year: str, role: str, user) -> ActiveParentRole:
    """Record that a parent has an active role at the school in a school year."""
    if ActiveParentRole.objects.filter(parent=parent, school_year=school_year, role=role).exists():
        raise ValidationError({"role": _("This parent already has this role in that year.")})
    active = ActiveParentRole(parent=parent, school_year=school_year, role=role)
    active.full_clean()
    active.save()
    audit_log_record(user=user, action=AuditAction.CREATE, obj=active, family=parent.family)
    return active


@transaction.atomic
def active_role_remove(*, active_role: ActiveParentRole, user) -> None:
    """Remove a parent's active role."""
    audit_log_record(
        user=user, action=AuditAction.CHANGE, obj=active_role, family=active_role.parent.family
    )
    active_role.delete()
