"""Reads of the activities app, always scoped by the access policy."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet

from familieschool.access import get_for_user, record_schools_for
from familieschool.calendar import closed_days, closed_days_by_school
from familieschool.models import Child, Family, Parent, School, child_in_groups_q
from familieschool.recurrence import occurrences

from .constants import EnrolmentStatus
from .models import ActiveParentRole, Activity, Attendance, Enrolment, FundingBudget, Session

__all__ = [
    "activity_get",
    "funding_budgets_for",
    "funding_budget_get",
    "session_get",
    "enrolment_get",
    "active_role_get",
    "activities_for",
    "activity_calendar",
    "attendance_candidates",
    "attendance_sheet",
    "enrolment_candidates",
    "enrolment_lists",
    "active_roles",
    "public_schedule",
    "reminders_due",
    "sessions_on",
    "session_counts",
    "school_parents",
    "user_school",
]

# How far back the "came before" list of the attendance page looks: the regulars of this term.
REGULARS_WINDOW = timedelta(days=120)
REGULARS_MAX = 60
# The attendance page's search answers from this many characters, with this many parents.
SEARCH_MIN_LENGTH = 2
SEARCH_MAX = 20


# --- activities ----------------------------------------------------------------------------


def activities_for(user) -> QuerySet[Activity]:
    """Activities of the user's own schools, with what their lists show."""
    return Activity.objects.visible_to(user).select_related("school", "type", "organiser_partner")


def activity_get(*, user, pk: int) -> Activity:
    """One activity of the user's schools; anything else is a 404."""
    return get_for_user(activities_for(user), pk=pk)


def funding_budgets_for(user) -> QuerySet[FundingBudget]:
    """Budgets of the user's own schools, with what their list shows."""
    return FundingBudget.objects.visible_to(user).select_related("school", "source", "activity")


def funding_budget_get(*, user, pk: int) -> FundingBudget:
    """One budget of the user's schools; anything else is a 404."""
    return get_for_user(funding_budgets_for(user), pk=pk)


def session_get(*, user, pk: int) -> Session:
    """One session of an activity at the user's schools; anything else is a 404."""
    return get_for_user(Session.objects.visible_to(user).select_related("activity__type"), pk=pk)


def enrolment_get(*, user, pk: int) -> Enrolment:
    """One enrolment in an activity at the user's schools; anything else is a 404."""
    enrolments = Enrolment.objects.visible_to(user).select_related(
        "activity", "child__family", "parent__family"
    )
    return get_for_user(enrolments, pk=pk)


def active_role_get(*, user, pk: int) -> ActiveParentRole:
    """One active parent role at the user's schools; anything else is a 404."""
    roles = ActiveParentRole.objects.visible_to(user).select_related("parent__family__school")
    return get_for_user(roles, pk=pk)


def session_counts(queryset: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions with their named parents, children and first-timers counted."""
    return queryset.annotate(
        parent_count=Count("attendances", filter=Q(attendances__parent__isnull=False)),
        child_count=Count("attendances", filter=Q(attendances__child__isnull=False)),
        first_time_count=Count(
            "attendances",
            filter=Q(attendances__first_time=True, attendances__parent__isnull=False),
        ),
    ).select_related("partner_present")


@dataclass
class CalendarRow:
    day: date
    session: Session | None
    scheduled: bool
    closed: bool = False

    @property
    def total(self) -> int:
        if self.session is None:
            return 0
        return self.session.parent_count + self.session.child_count + self.session.anonymous_count


def activity_calendar(activity: Activity, start: date, end: date) -> list[CalendarRow]:
    """The scheduled dates and hand-made sessions of an activity between two dates, by date."""
    sessions = {
        session.date: session
        for session in session_counts(
            activity.sessions.filter(date__gte=start, date__lte=end).order_by()
        )
    }
    closed = closed_days(activity.school, start, end)
    scheduled = set(occurrences(activity, start, end))
    rows = []
    for day in sorted(scheduled | set(sessions)):
        is_closed = day in closed and day not in sessions
        rows.append(CalendarRow(day, sessions.get(day), day in scheduled, is_closed))
    return rows


# --- attendance ----------------------------------------------------------------------------


@dataclass
class PersonRow:
    id: int
    name: str
    family_code: str
    checked: bool = False
    first_time: bool = False
    detail: str = ""
    # Found by the search of a page sent without JavaScript (marked like the type-ahead's).
    match: bool = False

    @property
    def value(self) -> str:
        """The id as a form value: a plain string, never a localised number."""
        return str(self.id)


@dataclass
class AttendanceSheet:
    activity: Activity
    day: date
    session: Session | None
    # The most frequent recent visitors of the activity ("came before").
    regulars: list[PersonRow]
    # Other parents the page must show: those present or ticked who are not regulars.
    # Everyone else of the school is found with the search (``attendance_candidates``).
    others: list[PersonRow]
    children: list[PersonRow]
    anonymous_count: int
    # The search sent with the form (the page without JavaScript): its term, or None.
    search_term: str | None = None
    # How many parents it found (at most ``SEARCH_MAX``).
    found_count: int = 0

    search_min_length = SEARCH_MIN_LENGTH

    @property
    def search_too_short(self) -> bool:
        """A search term given, but too short to search with."""
        term = "".join((self.search_term or "").split())
        return 0 < len(term) < SEARCH_MIN_LENGTH

    @property
    def nobody_found(self) -> bool:
        """A search that found nobody (the page then offers a new family)."""
        searched = bool((self.search_term or "").split()) and not self.search_too_short
        return searched and self.found_count == 0

    @property
    def checked_count(self) -> int:
        people = self.regulars + self.others + self.children
        return sum(1 for row in people if row.checked)

    @property
    def present_count(self) -> int:
        """Everyone present: the ticked people and the anonymous headcount."""
        return self.checked_count + self.anonymous_count


def _parent_rows(activity, day, present, checked_parents, first_time):
    """The parents the page shows: the regulars (most often first) and whoever is ticked."""
    # The most frequent (then most recent) regulars only: a busy coffee morning would list
    # hundreds; the others stay one search away.
    came_before = dict(
        Attendance.objects.filter(
            session__activity=activity,
            session__date__lt=day,
            session__date__gte=day - REGULARS_WINDOW,
            parent__isnull=False,
        )
        .values("parent_id")
        .annotate(n=Count("id"), last=Max("session__date"))
        .order_by("-n", "-last", "parent_id")
        .values_list("parent_id", "n")[:REGULARS_MAX]
    )
    ticked = set(present) if checked_parents is None else set(checked_parents)
    regulars, others = [], []
    # No "came before" lookup here: a regular came before by definition, and the others are
    # ticked with their "first time" saved or posted.
    for parent in school_parents(activity.school).filter(pk__in=came_before.keys() | ticked):
        if checked_parents is not None:
            checked = parent.pk in checked_parents
            is_first = parent.pk in first_time
        else:
            checked = parent.pk in present
            is_first = present.get(parent.pk, False)
        row = PersonRow(parent.pk, parent.display_name, parent.family.code, checked, is_first)
        (regulars if parent.pk in came_before else others).append(row)
    # Sorted is stable: equally frequent parents keep the school list's order.
    regulars.sort(key=lambda row: -came_before[row.id])
    return regulars, others


def attendance_candidates(activity: Activity, day: date, *, term: str) -> list[PersonRow]:
    """The attendance page's search: parents of the school matching every word of ``term``.

    A word matches a first name, last name or family code anywhere in it; at most
    ``SEARCH_MAX`` parents, by name, with "first time" ticked for those who never came.
    """
    words = (term or "").split()[:5]
    if not activity.for_parents or not words or len("".join(words)) < SEARCH_MIN_LENGTH:
        return []
    parents = school_parents(activity.school)
    for word in words:
        parents = parents.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(family__code__icontains=word)
        )
    parents = list(parents[:SEARCH_MAX])
    # "Came to anything at this school before": asked for the matches only, after the limit.
    # (As an EXISTS in the same query PostgreSQL hashed the school's whole attendance.)
    seen = set(
        Attendance.objects.filter(
            parent_id__in=[parent.pk for parent in parents],
            session__activity__school=activity.school_id,
            session__date__lt=day,
        ).values_list("parent_id", flat=True)
    )
    return [
        PersonRow(
            parent.pk, parent.display_name, parent.family.code, first_time=parent.pk not in seen
        )
        for parent in parents
    ]


def attendance_sheet(
    activity: Activity,
    day: date,
    *,
    checked_parents: Collection[int] | None = None,
    checked_children: Collection[int] | None = None,
    first_time: Collection[int] | None = None,
    search_term: str | None = None,
) -> AttendanceSheet:
    """Everything the attendance page of one date shows, in a fixed number of queries.

    With ``checked_*`` (a re-shown form) the ticks come from there instead of the database.
    With ``search_term`` (the search sent with the form, without JavaScript) the parents it
    finds (``attendance_candidates``) are marked, and added to ``others`` unless already shown.
    """
    school = activity.school
    session = (
        Session.objects.filter(activity=activity, date=day)
        .select_related("partner_present")
        .first()
    )
    present_parents: dict[int, bool] = {}
    present_children: set[int] = set()
    if session is not None:
        for parent_id, child_id, was_first in session.attendances.values_list(
            "parent_id", "child_id", "first_time"
        ):
            if parent_id:
                present_parents[parent_id] = was_first
            else:
                present_children.add(child_id)
    regulars, others = [], []
    if activity.for_parents:
        regulars, others = _parent_rows(
            activity, day, present_parents, checked_parents, first_time or ()
        )
    found = []
    if search_term is not None:
        found = attendance_candidates(activity, day, term=search_term)
        shown = {row.id: row for row in regulars + others}
        for row in found:
            # Already on the page (a regular, or ticked earlier): that card, not a second box.
            shown_row = shown.get(row.id)
            if shown_row is not None:
                shown_row.match = True
            else:
                row.match = True
                others.append(row)

    children = []
    if activity.for_children:
        enrolled = set(
            activity.enrolments.filter(
                status=EnrolmentStatus.ENROLLED, child__isnull=False
            ).values_list("child_id", flat=True)
        )
        ids = enrolled | present_children | set(checked_children or ())
        for child in (
            Child.objects.filter(pk__in=ids, family__school=school, family__anonymised_at=None)
            .select_related("family")
            .order_by("group", "first_name", "id")
        ):
            checked = (
                child.pk in checked_children
                if checked_children is not None
                else child.pk in present_children
            )
            children.append(
                PersonRow(
                    child.pk,
                    child.first_name or child.get_group_display(),
                    child.family.code,
                    checked,
                    detail=child.get_group_display(),
                )
            )
    return AttendanceSheet(
        activity=activity,
        day=day,
        session=session,
        regulars=regulars,
        others=others,
        children=children,
        anonymous_count=session.anonymous_count if session else 0,
        search_term=search_term,
        found_count=len(found),
    )


# --- enrolment -----------------------------------------------------------------------------


@dataclass
class EnrolmentLists:
    enrolled: list[Enrolment]
    waiting: list[Enrolment]


def enrolment_lists(activity: Activity, *, group: str = "") -> EnrolmentLists:
    """Who is enrolled and who waits (in order of request), optionally for one group."""
    qs = activity.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).select_related(
        "child__family", "parent__family"
    )
    if group:
        qs = qs.filter(child_in_groups_q([group], prefix="child__"))
    enrolled, waiting = [], []
    for enrolment in qs.order_by("requested_at", "id"):
        (enrolled if enrolment.status == EnrolmentStatus.ENROLLED else waiting).append(enrolment)
    return EnrolmentLists(enrolled, waiting)


def enrolment_candidates(activity: Activity, *, group: str = "", term: str = "", limit=60):
    """Children (of a group or matching ``term``) or parents (matching ``term``) to enrol."""
    term = (term or "").strip()
    taken_children = activity.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).filter(
        child__isnull=False
    )
    taken_parents = activity.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).filter(
        parent__isnull=False
    )
    children, parents = [], []
    if activity.for_children and (group or term):
        qs = Child.objects.filter(
            family__school=activity.school, family__anonymised_at__isnull=True
        ).exclude(pk__in=taken_children.values("child_id"))
        if activity.groups:
            qs = qs.in_groups(activity.groups)
        if group:
            qs = qs.in_groups([group])
        if term:
            qs = qs.filter(Q(first_name__istartswith=term) | Q(family__code__istartswith=term))
        children = list(qs.select_related("family").order_by("group", "first_name")[:limit])
    if activity.for_parents and term:
        qs = Parent.objects.filter(
            family__school=activity.school, family__anonymised_at__isnull=True
        ).exclude(pk__in=taken_parents.values("parent_id"))
        qs = qs.filter(
            Q(first_name__istartswith=term)
            | Q(last_name__istartswith=term)
            | Q(family__code__istartswith=term)
        )
        parents = list(qs.select_related("family").order_by("first_name", "last_name")[:limit])
    return children, parents


# --- active parents ------------------------------------------------------------------------


def active_roles(school: School, school_year: str) -> QuerySet[ActiveParentRole]:
    """The active parent roles at a school in one school year."""
    return (
        ActiveParentRole.objects.filter(parent__family__school=school, school_year=school_year)
        .select_related("parent__family")
        .order_by("role", "parent__first_name", "parent__last_name")
    )


def school_parents(school: School) -> QuerySet[Parent]:
    """The parents of a school's (not anonymised) families, by name."""
    return (
        Parent.objects.filter(family__school=school, family__anonymised_at__isnull=True)
        .select_related("family")
        .order_by("first_name", "last_name", "id")
    )


def user_school(user, slug: str) -> School:
    """One of the user's own schools by slug; any other school is a 404."""
    return get_for_user(record_schools_for(user), slug=slug)


# --- public page ---------------------------------------------------------------------------


@dataclass
class PublicActivity:
    type_code: str
    title: str
    description: str
    dates: list[date]
    start_time: time
    end_time: time
    location: str
    signup_required: bool
    target_group: str


@dataclass
class PublicSpreekuurSeries:
    """One partner's spreekuur at the school with its dates in a month (for the public page)."""

    partner: str
    dates: list[date]
    start: time
    end: time
    room: str


@dataclass
class PublicSchedule:
    school: School
    first: date
    last: date
    activities: list[PublicActivity]
    spreekuren: list[PublicSpreekuurSeries]


# The public page and the poster look this many weeks ahead, whatever day of the month it is.
PUBLIC_WEEKS = 6


def public_schedule(school: School, language: str, day: date) -> PublicSchedule:
    """A school's public activities and partners' spreekuren from ``day`` on, for the coming
    ``PUBLIC_WEEKS`` weeks (a calendar month would be mostly past by its end).

    Nothing personal: titles, times and places only, never who comes or how many.
    """
    start, end = day, day + timedelta(weeks=PUBLIC_WEEKS, days=-1)
    skip = closed_days(school, start, end)
    cancelled = defaultdict(set)
    for activity_id, cancelled_day in Session.objects.filter(
        activity__school=school, activity__public=True, cancelled=True, date__range=(start, end)
    ).values_list("activity_id", "date"):
        cancelled[activity_id].add(cancelled_day)
    activities = []
    for activity in (
        Activity.objects.filter(school=school, public=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start), valid_from__lte=end)
        .select_related("type")
    ):
        dates = occurrences(activity, start, end, skip=skip | cancelled[activity.pk])
        if not dates:
            continue
        activities.append(
            PublicActivity(
                type_code=activity.type.code,
                title=activity.title_in(language),
                description=activity.description_in(language),
                dates=dates,
                start_time=activity.start_time,
                end_time=activity.end_time,
                location=activity.location,
                signup_required=activity.signup_required,
                target_group=activity.audience,
            )
        )
    activities.sort(key=lambda row: (row.dates[0], row.start_time, row.title))

    from partners.selectors import public_spreekuren

    grouped: dict[tuple, list[date]] = defaultdict(list)
    for row in public_spreekuren(school, start, end):
        grouped[(row.partner, row.start, row.end, row.room)].append(row.date)
    spreekuren = [
        PublicSpreekuurSeries(partner, sorted(dates), start_at, end_at, room)
        for (partner, start_at, end_at, room), dates in grouped.items()
    ]
    spreekuren.sort(key=lambda row: (row.dates[0], row.start, row.partner))
    return PublicSchedule(school, start, end, activities, spreekuren)


# --- reminders -----------------------------------------------------------------------------

# Parents who may get a reminder: opted in, with an email address, not anonymised.
WANTS_REMINDERS = Q(reminders_consent_on__isnull=False, family__anonymised_at__isnull=True) & ~Q(
    email=""
)


@dataclass
class DueSession:
    """An activity taking place on a day, with the signed-up parents who want a reminder."""

    activity: Activity
    day: date
    session: Session | None
    parents: list[Parent]


def _taking_place(activities: QuerySet[Activity], day: date):
    """Those of ``activities`` on ``day`` (scheduled, school open, not cancelled), and the
    sessions of that day by activity id."""
    candidates = list(
        activities.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            valid_from__lte=day,
            weekday=day.weekday(),
        ).select_related("school", "type")
    )
    if not candidates:
        return [], {}
    closed = closed_days_by_school({a.school for a in candidates}, day, day)
    sessions = {
        session.activity_id: session
        for session in Session.objects.filter(activity__in=candidates, date=day)
    }
    due = [
        activity
        for activity in candidates
        if occurrences(activity, day, day)
        and day not in closed[activity.school_id]
        and not (activity.pk in sessions and sessions[activity.pk].cancelled)
    ]
    return due, sessions


def sessions_on(day: date) -> list[DueSession]:
    """Activities with enrolments that take place on ``day`` (not cancelled, school open).

    The parents are those signed up themselves or with an enrolled child, who opted in to
    reminders and have an email address; a session row may not exist yet (it is made when
    attendance is registered), so ``session`` can be None.
    """
    due, sessions = _taking_place(
        Activity.objects.filter(enrolments__status=EnrolmentStatus.ENROLLED).distinct(), day
    )
    if not due:
        return []
    enrolments = Enrolment.objects.filter(activity__in=due, status=EnrolmentStatus.ENROLLED)
    by_parent = {
        parent.pk: parent
        for parent in Parent.objects.filter(
            WANTS_REMINDERS, enrolments__in=enrolments
        ).select_related("family")
    }
    family_parents: dict[int, list[Parent]] = defaultdict(list)
    child_families = Family.objects.filter(children__enrolments__in=enrolments)
    for parent in Parent.objects.filter(WANTS_REMINDERS, family__in=child_families).select_related(
        "family"
    ):
        family_parents[parent.family_id].append(parent)
    parents_of: dict[int, dict[int, Parent]] = defaultdict(dict)
    for activity_id, parent_id, family_id in enrolments.values_list(
        "activity_id", "parent_id", "child__family_id"
    ):
        if parent_id and parent_id in by_parent:
            parents_of[activity_id][parent_id] = by_parent[parent_id]
        for parent in family_parents.get(family_id, []):
            parents_of[activity_id][parent.pk] = parent
    return [
        DueSession(activity, day, sessions.get(activity.pk), list(parents_of[activity.pk].values()))
        for activity in due
        if parents_of[activity.pk]
    ]


def reminders_due(day: date) -> dict[tuple[int, int], tuple[Parent, Activity]]:
    """(parent id, activity id) -> (parent, activity) for every reminder due for ``day``.

    A reminder goes to a parent signed up for the activity or with a child enrolled in it
    (``sessions_on``); for an activity that needs no sign-up, also to a parent who came to one
    of its sessions in the last ``REMINDER_ATTENDANCE_DAYS`` days (default 90), or whose child
    did. Only parents who opted in, gave an email address and whose family is not anonymised.
    """
    due = {}
    for row in sessions_on(day):
        for parent in row.parents:
            due[(parent.pk, row.activity.pk)] = (parent, row.activity)
    open_activities, _sessions = _taking_place(Activity.objects.filter(signup_required=False), day)
    activities = {activity.pk: activity for activity in open_activities}
    if not activities:
        return due
    days = settings.REMINDER_ATTENDANCE_DAYS
    came = Attendance.objects.filter(
        session__activity__in=list(activities),
        session__date__gte=day - timedelta(days=days),
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
