"""Counting the figures in the database, per school, for a period; and reading frozen ones.

Each ``_count_*`` function counts one family of figures with one or two aggregate queries and
adds them to ``values`` keyed ``(school id, indicator code, category)``; it returns the
categories it listed. People are counted once however many routes reached them: the routes'
ids are combined with UNION (a set) and the people counted with a semi-join on it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, NullIf
from django.utils import timezone

from activiteiten.constants import EXTENDED_SCHOOL_DAY, FOR_CHILDREN, EnrolmentStatus, TargetGroup
from activiteiten.models import (
    ActiveParentRole,
    Activity,
    ActivityType,
    Attendance,
    Enrolment,
    Session,
    audience_in,
)
from familieschool.constants import PUPILS_PER_GROUP, Language, ParentRelation
from familieschool.models import (
    Child,
    Family,
    Parent,
    PartnerOrganisation,
    School,
    SchoolYearFigures,
    group_after,
)
from familieschool.schoolyear import SchoolYear
from partners.constants import AppointmentStatus
from partners.models import Appointment, Spreekuur, SpreekuurCancellation
from partners.selectors import active_spreekuren, spreekuur_occurrences
from servicepunt.constants import ProvisionStatus, ReferralStatus
from servicepunt.models import Contact, ContactSource, Provision, ProvisionKind, Referral, Theme

from . import definitions as d
from .definitions import BASE_COUNTS, BY_CODE, Figures, SchoolInfo

Values = dict[tuple[int, str, str], int]


@dataclass(frozen=True)
class Period:
    """The days counted, first and last included, by the local date in Europe/Amsterdam."""

    first: date
    last: date

    @classmethod
    def of(cls, school_year: SchoolYear) -> Period:
        return cls(school_year.start, school_year.end)

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def label(self) -> str:
        """The ``schooljaar`` column of the period: its school year's label, the calendar year
        ("2024"), or its first and last day ("2024-01-01/2024-06-30")."""
        school_year = SchoolYear.of(self.first)
        if (self.first, self.last) == (school_year.start, school_year.end):
            return school_year.label
        if self == Period.calendar_year(self.first.year):
            return str(self.first.year)
        return f"{self.first.isoformat()}/{self.last.isoformat()}"

    @property
    def school_year(self) -> SchoolYear:
        """The school year whose pupils and families are the period's: that of its first day."""
        return SchoolYear.of(self.first)

    def bounds(self) -> tuple[datetime, datetime]:
        """The first moment of the period and the first moment after it, in local time."""
        zone = ZoneInfo(settings.TIME_ZONE)
        start = datetime.combine(self.first, time.min, tzinfo=zone)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=zone)
        return start, end

    def month_labels(self) -> list[str]:
        """Every month the period touches, as ``2024-08``."""
        labels = []
        year, month = self.first.year, self.first.month
        while (year, month) <= (self.last.year, self.last.month):
            labels.append(f"{year}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return labels

    def school_years(self) -> list[str]:
        """The labels of the school years the period touches (active roles are per year)."""
        first, last = SchoolYear.of(self.first), SchoolYear.of(self.last)
        return [SchoolYear(y).label for y in range(first.start_year, last.start_year + 1)]


def year_bounds(year: SchoolYear) -> tuple[datetime, datetime]:
    """The first moment of the school year and the first moment after it, in local time."""
    return Period.of(year).bounds()


def month_labels(year: SchoolYear) -> list[str]:
    """``2024-08`` to ``2025-07``."""
    return Period.of(year).month_labels()


def school_queryset(schools) -> QuerySet[School]:
    """Schools given as None (all), a queryset or a list, as a queryset."""
    if schools is None:
        return School.objects.all()
    if isinstance(schools, QuerySet):
        return schools
    return School.objects.filter(pk__in=[school.pk for school in schools])


def school_infos(year: SchoolYear, schools: QuerySet[School]) -> list[SchoolInfo]:
    """Name, board and the year's pupil and family counts of each school, by name: 1 query."""
    figures = SchoolYearFigures.objects.filter(school=OuterRef("pk"), school_year=year.label)
    rows = (
        School.objects.filter(pk__in=schools.values("pk"))
        .annotate(
            year_pupils=Subquery(figures.values("pupils")[:1]),
            year_families=Subquery(figures.values("families")[:1]),
        )
        .order_by("name")
        .values_list(
            "id",
            "name",
            "board__name",
            "year_pupils",
            "year_families",
            "type",
            "municipality",
            "district",
            "start_year",
        )
    )
    return [SchoolInfo(*row) for row in rows]


def _union(*parts: QuerySet) -> QuerySet:
    """The set of ids the parts select: each part made distinct first, then UNION."""
    first, *rest = (part.order_by().distinct() for part in parts)
    return first.union(*rest)


@dataclass(frozen=True)
class _Records:
    """The period's records every count starts from, not yet narrowed to schools."""

    period: Period
    start: datetime
    end: datetime

    @property
    def contacts(self) -> QuerySet:
        return Contact.objects.filter(occurred_at__gte=self.start, occurred_at__lt=self.end)

    @property
    def attendance(self) -> QuerySet:
        """Attendance at sessions held (not cancelled) in the period."""
        return Attendance.objects.filter(
            session__date__gte=self.period.first,
            session__date__lte=self.period.last,
            session__cancelled=False,
        )

    @property
    def appointments(self) -> QuerySet:
        """Appointments the parent came to."""
        return Appointment.objects.filter(
            status=AppointmentStatus.ATTENDED,
            date__gte=self.period.first,
            date__lte=self.period.last,
        )


def _count_contacts(records: _Records, ids: list[int], values: Values) -> list[str]:
    """Contacts per school and local month, and the anonymous ones (the months add up)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    months = records.period.month_labels()
    per_month = (
        records.contacts.filter(school_id__in=ids)
        .annotate(
            year=ExtractYear("occurred_at", tzinfo=zone),
            month=ExtractMonth("occurred_at", tzinfo=zone),
        )
        .values("school_id", "year", "month")
        .annotate(n=Count("id"), anonymous=Count("id", filter=Q(family__isnull=True)))
        .order_by()
    )
    for row in per_month:
        label = f"{row['year']}-{row['month']:02d}"
        values[(row["school_id"], d.CONTACTS_PER_MONTH, label)] += row["n"]
        values[(row["school_id"], d.CONTACTS_ANONYMOUS, "")] += row["anonymous"]
    return months


def _count_themes(records: _Records, ids: list[int], values: Values) -> list[str]:
    """Contacts per theme: a contact with two themes counts once for each."""
    themes = dict(Theme.objects.order_by("sort_order", "name").values_list("id", "code"))
    per_theme = (
        Contact.themes.through.objects.filter(
            contact__occurred_at__gte=records.start,
            contact__occurred_at__lt=records.end,
            contact__school_id__in=ids,
        )
        .values("contact__school_id", "theme_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in per_theme:
        values[(row["contact__school_id"], d.CONTACTS_PER_THEME, themes[row["theme_id"]])] = row[
            "n"
        ]
    return list(themes.values())


def _of_partner(queryset: QuerySet, path: str, partner_id: int | None) -> QuerySet:
    """``queryset`` cut to one partner's rows (``path`` leads to it); all partners' for None."""
    return queryset if partner_id is None else queryset.filter(**{path: partner_id})


def _count_referrals(
    records: _Records, ids: list[int], values: Values, partner_id: int | None = None
) -> list[str]:
    """Referrals (and the completed ones) per partner, by the date of their contact."""
    referrals = Referral.objects.filter(
        contact__occurred_at__gte=records.start,
        contact__occurred_at__lt=records.end,
        school_id__in=ids,
    )
    per_partner = (
        _of_partner(referrals, "partner_id", partner_id)
        .values("school_id", "partner__name")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=ReferralStatus.COMPLETED)))
        .order_by()
    )
    partners = set()
    for row in per_partner:
        partners.add(row["partner__name"])
        values[(row["school_id"], d.REFERRALS, row["partner__name"])] = row["n"]
        values[(row["school_id"], d.REFERRALS_COMPLETED, row["partner__name"])] = row["done"]
    return sorted(partners)


def _count_sessions(records: _Records, ids: list[int], types: dict, values: Values) -> None:
    """Sessions held per activity type, and their attendance (named and anonymous)."""
    # The named attendance counted per session: an index-only count.
    named = (
        Attendance.objects.filter(session=OuterRef("pk"))
        .values("session")
        .annotate(n=Count("id"))
        .values("n")
    )
    per_type = (
        Session.objects.filter(
            date__gte=records.period.first,
            date__lte=records.period.last,
            cancelled=False,
            activity__school_id__in=ids,
        )
        .values("activity__school_id", "activity__type_id")
        .annotate(
            n=Count("id"),
            anonymous=Sum("anonymous_count"),
            named=Sum(Coalesce(Subquery(named), 0)),
        )
        .order_by()
    )
    for row in per_type:
        school, code = row["activity__school_id"], types[row["activity__type_id"]]
        values[(school, d.SESSIONS, code)] = row["n"]
        values[(school, d.ATTENDANCE, code)] = (row["anonymous"] or 0) + (row["named"] or 0)


def _count_participants(records: _Records, ids: list[int], types: dict, values: Values) -> None:
    """Unique participants per activity type, at their own school: for every type the parents
    (and children) whose id is in that type's attendance of the period."""
    if not types:
        return
    for model, person in ((Parent, "parent"), (Child, "child")):
        per_type = {
            f"type_{type_id}": Count(
                "id",
                filter=Q(
                    id__in=records.attendance.filter(
                        **{f"{person}__isnull": False}, session__activity__type_id=type_id
                    ).values(f"{person}_id")
                ),
            )
            for type_id in types
        }
        people = (
            model.objects.filter(family__school_id__in=ids)
            .values("family__school_id")
            .annotate(**per_type)
            .order_by()
        )
        for row in people:
            for type_id, code in types.items():
                values[(row["family__school_id"], d.PARTICIPANTS, code)] += row[f"type_{type_id}"]


def _count_families(records: _Records, ids: list[int], values: Values) -> None:
    """Families reached by any route, by the servicepunt, and with a parent in an active role."""
    contact_families = records.contacts.filter(family__isnull=False).values("family_id")
    reached = _union(
        contact_families,
        records.appointments.annotate(reached=Coalesce("family_id", "parent__family_id")).values(
            "reached"
        ),
        records.attendance.annotate(
            reached=Coalesce("parent__family_id", "child__family_id")
        ).values("reached"),
    )
    active = (
        ActiveParentRole.objects.filter(school_year__in=records.period.school_years())
        .values("parent__family_id")
        .order_by()
    )
    for code, route in (
        (d.FAMILIES_REACHED, reached),
        (d.FAMILIES_SERVICEPUNT, contact_families),
        (d.FAMILIES_ACTIVE_PARENT, active),
    ):
        per_school = (
            Family.objects.filter(school_id__in=ids, id__in=route.order_by())
            .values("school_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in per_school:
            values[(row["school_id"], code, "")] = row["n"]


def _count_parents(records: _Records, ids: list[int], values: Values) -> None:
    """Parents reached by a contact, an appointment they came to, or named attendance."""
    reached = _union(
        records.contacts.filter(parent__isnull=False).values("parent_id"),
        records.appointments.filter(parent__isnull=False).values("parent_id"),
        records.attendance.filter(parent__isnull=False).values("parent_id"),
    )
    per_school = (
        Parent.objects.filter(family__school_id__in=ids, id__in=reached)
        .values("family__school_id")
        .annotate(n=Count("id"), fathers=Count("id", filter=Q(relation=ParentRelation.FATHER)))
        .order_by()
    )
    for row in per_school:
        values[(row["family__school_id"], d.PARENTS_REACHED, "")] = row["n"]
        values[(row["family__school_id"], d.FATHERS_REACHED, "")] = row["fathers"]


def _count_children(records: _Records, ids: list[int], values: Values) -> None:
    """Children enrolled in (or attending) during the period the extended school day, and any
    children's programme (an activity for children, or for parents and children): 1 query."""
    period = records.period
    enrolled = (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ENROLLED,
            child__isnull=False,
            requested_at__lt=records.end,
            activity__valid_from__lte=period.last,
        )
        .filter(Q(activity__valid_until__isnull=True) | Q(activity__valid_until__gte=period.first))
        .values("child_id")
    )
    attending = records.attendance.filter(child__isnull=False).values("child_id")
    extended_day = _union(
        enrolled.filter(activity__type__code=EXTENDED_SCHOOL_DAY),
        attending.filter(session__activity__type__code=EXTENDED_SCHOOL_DAY),
    )
    programme = _union(
        enrolled.filter(audience_in(FOR_CHILDREN, "activity__")),
        attending.filter(audience_in(FOR_CHILDREN, "session__activity__")),
    )
    per_school = (
        Child.objects.filter(family__school_id__in=ids)
        .values("family__school_id")
        .annotate(
            extended=Count("id", filter=Q(id__in=extended_day)),
            programme=Count("id", filter=Q(id__in=programme)),
        )
        .order_by()
    )
    for row in per_school:
        values[(row["family__school_id"], d.CHILDREN_EXTENDED_DAY, "")] = row["extended"]
        values[(row["family__school_id"], d.CHILDREN_PROGRAMME, "")] = row["programme"]


def _count_languages(records: _Records, ids: list[int], values: Values) -> list[str]:
    """Contacts per language used (unrecorded: ``onbekend``) and those with an interpreter."""
    per_language = (
        records.contacts.filter(school_id__in=ids)
        .values("school_id", "language")
        .annotate(n=Count("id"), interpreter=Count("id", filter=Q(interpreter=True)))
        .order_by()
    )
    for row in per_language:
        language = row["language"] or d.LANGUAGE_UNKNOWN
        values[(row["school_id"], d.CONTACTS_PER_LANGUAGE, language)] += row["n"]
        values[(row["school_id"], d.CONTACTS_INTERPRETER, "")] += row["interpreter"]
    return [*Language.values, d.LANGUAGE_UNKNOWN]


def _count_new_parents(records: _Records, ids: list[int], values: Values) -> None:
    """Parents with named attendance in the period, at their own school: new when one of their
    attendances in the period is marked as their first time, returning otherwise."""
    # Counted from the attendance side, distinct parents per school, rather than
    # ``COUNT(...) FILTER (WHERE parent.id IN (...))``: a subquery inside FILTER is a SubPlan that
    # PostgreSQL hashes only while it fits in work_mem, and ran for minutes per school year at
    # city scale when it did not. This shape is one pass over the period's named attendance.
    per_school = (
        records.attendance.filter(parent__isnull=False, parent__family__school_id__in=ids)
        .values("parent__family__school_id")
        .annotate(
            attending=Count("parent_id", distinct=True),
            new=Count("parent_id", distinct=True, filter=Q(first_time=True)),
        )
        .order_by()
    )
    for row in per_school:
        school = row["parent__family__school_id"]
        values[(school, d.PARENTS_NEW, "")] = row["new"]
        values[(school, d.PARENTS_RETURNING, "")] = row["attending"] - row["new"]


def _count_partners(
    records: _Records, ids: list[int], values: Values, partner_id: int | None = None
) -> list[str]:
    """Per partner: appointments kept and missed and consultation hours cancelled (at the school
    of the consultation hour), and unique parents (at their own school) referred to it in the
    period or at an appointment with it they came to."""
    period = records.period
    appointments = Appointment.objects.filter(
        date__gte=period.first,
        date__lte=period.last,
        status__in=[AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW],
        spreekuur__school_id__in=ids,
    )
    appointments = (
        _of_partner(appointments, "spreekuur__partner_id", partner_id)
        .values("spreekuur__school_id", "spreekuur__partner__name")
        .annotate(
            kept=Count("id", filter=Q(status=AppointmentStatus.ATTENDED)),
            missed=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)),
        )
        .order_by()
    )
    partners = set()
    for row in appointments:
        school, partner = row["spreekuur__school_id"], row["spreekuur__partner__name"]
        partners.add(partner)
        values[(school, d.APPOINTMENTS_ATTENDED, partner)] = row["kept"]
        values[(school, d.APPOINTMENTS_MISSED, partner)] = row["missed"]
    cancellations = SpreekuurCancellation.objects.filter(
        date__gte=period.first, date__lte=period.last, spreekuur__school_id__in=ids
    )
    cancelled = (
        _of_partner(cancellations, "spreekuur__partner_id", partner_id)
        .values("spreekuur__school_id", "spreekuur__partner__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in cancelled:
        partners.add(row["spreekuur__partner__name"])
        values[
            (row["spreekuur__school_id"], d.SPREEKUREN_CANCELLED, row["spreekuur__partner__name"])
        ] = row["n"]
    # The distinct (parent, partner, parent's school) of both routes, by UNION (a set): a parent
    # referred and seen by the same partner counts once. Python only adds up these rows.
    referrals = Referral.objects.filter(
        contact__occurred_at__gte=records.start, contact__occurred_at__lt=records.end
    )
    referred = (
        _of_partner(referrals, "partner_id", partner_id)
        .annotate(
            person=Coalesce("parent_id", "contact__parent_id"),
            home=Coalesce("parent__family__school_id", "contact__parent__family__school_id"),
        )
        .filter(person__isnull=False, home__in=ids)
        .values_list("person", "partner_id", "home")
    )
    seen = _of_partner(
        records.appointments.filter(parent__isnull=False, parent__family__school_id__in=ids),
        "spreekuur__partner_id",
        partner_id,
    ).values_list("parent_id", "spreekuur__partner_id", "parent__family__school_id")
    names = dict(
        _of_partner(PartnerOrganisation.objects.all(), "pk", partner_id).values_list("id", "name")
    )
    for _parent, partner_id, school in _union(referred, seen):
        partners.add(names[partner_id])
        values[(school, d.PARENTS_PER_PARTNER, names[partner_id])] += 1
    return sorted(partners)


def _count_spreekuren_held(
    records: _Records, ids: list[int], values: Values, partner_id: int | None = None
) -> list[str]:
    """Consultation hours held per partner at their school: the schedule's dates in the period
    up to today, minus the school's closed days and the cancelled dates (3 queries)."""
    period = records.period
    last = min(period.last, timezone.localdate())
    if last < period.first:
        return []
    spreekuren = active_spreekuren(
        _of_partner(Spreekuur.objects.filter(school_id__in=ids), "partner_id", partner_id),
        period.first,
        last,
    ).select_related("partner", "school")
    partners = set()
    for occurrence in spreekuur_occurrences(
        spreekuren, period.first, last, include_cancelled=False
    ):
        partner = occurrence.spreekuur.partner.name
        partners.add(partner)
        values[(occurrence.spreekuur.school_id, d.SPREEKUREN_HELD, partner)] += 1
    return sorted(partners)


def _count_sources(records: _Records, ids: list[int], values: Values) -> list[str]:
    """Contacts per source, who brought the family (unrecorded: ``onbekend``)."""
    codes = list(
        ContactSource.objects.order_by("sort_order", "name").values_list("code", flat=True)
    )
    per_source = (
        records.contacts.filter(school_id__in=ids)
        .values("school_id", "source__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in per_source:
        source = row["source__code"] or d.SOURCE_UNKNOWN
        values[(row["school_id"], d.CONTACTS_PER_SOURCE, source)] += row["n"]
    return [*codes, d.SOURCE_UNKNOWN]


GIVEN = (ProvisionStatus.GRANTED, ProvisionStatus.PROVIDED)


def _count_provisions(records: _Records, ids: list[int], values: Values) -> tuple[list, list]:
    """Unique families of the school with a provision dated in the period: per kind those
    granted or provided, and per kind and (current) status as ``kind:status``."""
    period = records.period
    kinds = list(
        ProvisionKind.objects.order_by("sort_order", "name").values_list("code", flat=True)
    )
    provisions = Provision.objects.filter(
        occurred_on__gte=period.first, occurred_on__lte=period.last, family__school_id__in=ids
    )
    per_status = (
        provisions.values("family__school_id", "kind__code", "status")
        .annotate(n=Count("family_id", distinct=True))
        .order_by()
    )
    found = set()
    for row in per_status:
        category = f"{row['kind__code']}:{row['status']}"
        found.add(category)
        values[(row["family__school_id"], d.FAMILIES_PER_PROVISION_STATUS, category)] = row["n"]
    given = (
        provisions.filter(status__in=GIVEN)
        .values("family__school_id", "kind__code")
        .annotate(n=Count("family_id", distinct=True))
        .order_by()
    )
    for row in given:
        values[(row["family__school_id"], d.FAMILIES_PER_PROVISION, row["kind__code"])] = row["n"]
    statuses = [f"{kind}:{status}" for kind in kinds for status in ProvisionStatus.values]
    return kinds, [category for category in statuses if category in found]


def _count_funding(records: _Records, ids: list[int], values: Values) -> list[str]:
    """Per funding source: activities with a session held, those sessions and their attendance
    (at the activity's school), and unique named participants (at their own school). An
    activity with two sources counts under both: 2 queries."""
    named = (
        Attendance.objects.filter(session=OuterRef("pk"))
        .values("session")
        .annotate(n=Count("id"))
        .values("n")
    )
    source = "activity__fundings__source__name"
    per_source = (
        Session.objects.filter(
            date__gte=records.period.first,
            date__lte=records.period.last,
            cancelled=False,
            activity__school_id__in=ids,
            activity__fundings__isnull=False,
        )
        .values("activity__school_id", source)
        .annotate(
            n=Count("id"),
            activities=Count("activity_id", distinct=True),
            anonymous=Sum("anonymous_count"),
            named=Sum(Coalesce(Subquery(named), 0)),
        )
        .order_by()
    )
    found = set()
    for row in per_source:
        school, name = row["activity__school_id"], row[source]
        found.add(name)
        values[(school, d.ACTIVITIES_PER_FUNDER, name)] = row["activities"]
        values[(school, d.SESSIONS_PER_FUNDER, name)] = row["n"]
        values[(school, d.ATTENDANCE_PER_FUNDER, name)] = (row["anonymous"] or 0) + (
            row["named"] or 0
        )
    people = (
        records.attendance.annotate(
            home=Coalesce("parent__family__school_id", "child__family__school_id")
        )
        .filter(home__in=ids, session__activity__fundings__isnull=False)
        .values("home", "session__" + source)
        .annotate(
            parents=Count("parent_id", distinct=True), children=Count("child_id", distinct=True)
        )
        .order_by()
    )
    for row in people:
        name = row["session__" + source]
        found.add(name)
        values[(row["home"], d.PARTICIPANTS_PER_FUNDER, name)] = row["parents"] + row["children"]
    return sorted(found)


# The year figures' pupils per groep (or klas): the field and the groups it counts.
PUPIL_FIELDS = [(field, covers) for _column, field, covers in PUPILS_PER_GROUP]


def _pupils_in(figures: dict | None, groups: set[str]) -> int | None:
    """The school's pupils in ``groups`` (groep 1 and 2 are known together); None when one of
    them is not known, or a group is none of groep 1-8 and klas 1-6."""
    if figures is None:
        return None
    total = 0
    for field, covers in PUPIL_FIELDS:
        if groups & set(covers):
            if figures[field] is None:
                return None
            total += figures[field]
    if not groups <= {group for _field, covers in PUPIL_FIELDS for group in covers}:
        return None
    return total


def _count_programmes(records: _Records, ids: list[int], values: Values) -> list[str]:
    """Per children's programme with groepen (by title, at its school): the school's pupils in
    those groepen in the period's school year, and the unique children of the school in them
    enrolled in or attending it in the period; only where the pupils per groep are known: 3
    queries. A child's groep is the one recorded for her, moved on to that school year."""
    period, year = records.period, records.period.school_year
    fields = [field for field, _covers in PUPIL_FIELDS]
    figures = {
        row["school_id"]: row
        for row in SchoolYearFigures.objects.filter(
            school_id__in=ids, school_year=year.label
        ).values("school_id", *fields)
    }
    programmes: dict[tuple[int, str], set[str]] = defaultdict(set)
    of_activity: dict[int, tuple[int, str]] = {}
    running = (
        Activity.objects.filter(school_id__in=ids, valid_from__lte=period.last)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=period.first))
        .filter(audience_in(FOR_CHILDREN))
        .exclude(groups=[])
    )
    for activity_id, school_id, title, groups in running.values_list(
        "id", "school_id", "title", "groups"
    ):
        programmes[(school_id, title)] |= set(groups)
        of_activity[activity_id] = (school_id, title)
    titles = set()
    for (school_id, title), groups in programmes.items():
        pupils = _pupils_in(figures.get(school_id), groups)
        if pupils is not None:
            titles.add(title)
            values[(school_id, d.PUPILS_PER_PROGRAMME, title)] = pupils
    # The running programmes again as a subquery, so that the count is 3 queries for any data.
    enrolled = Enrolment.objects.filter(
        status=EnrolmentStatus.ENROLLED,
        requested_at__lt=records.end,
        activity_id__in=running.values("id"),
        child__family__school_id=F("activity__school_id"),
    ).values_list("activity_id", "child_id", "child__group", "child__group_year")
    attending = records.attendance.filter(
        session__activity_id__in=running.values("id"),
        child__family__school_id=F("session__activity__school_id"),
    ).values_list("session__activity_id", "child_id", "child__group", "child__group_year")
    children: dict[tuple[int, str], set[int]] = defaultdict(set)
    for activity_id, child_id, group, group_year in _union(enrolled, attending):
        key = of_activity.get(activity_id)
        if key is not None and group_after(group, year.start_year - group_year) in programmes[key]:
            children[key].add(child_id)
    for (school_id, title), found in children.items():
        if (school_id, d.PUPILS_PER_PROGRAMME, title) in values:
            values[(school_id, d.CHILDREN_PER_PROGRAMME, title)] = len(found)
    return sorted(titles)


def offered_activities(period: Period, ids: list[int]) -> QuerySet:
    """The activities of the schools ``ids`` offered in ``period``: those with a session held
    (not cancelled) in it, and those of a type offered without sessions that run in it (valid
    from on or before its last day, valid until empty or on or after its first day). Annotated
    with ``block`` (the code of its type's building block, None for none), ``block_order`` and
    ``audience`` (its own target group, else its type's); in the order of the building blocks
    (those without one last), then by school, target group and title."""
    held = Session.objects.filter(
        date__gte=period.first, date__lte=period.last, cancelled=False
    ).values("activity_id")
    running = Q(type__without_sessions=True, valid_from__lte=period.last) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=period.first)
    )
    return (
        Activity.objects.filter(school_id__in=ids)
        .filter(Q(id__in=held) | running)
        .annotate(
            block=F("type__building_block__code"),
            block_order=F("type__building_block__sort_order"),
            audience=Coalesce(NullIf("target_group", models.Value("")), "type__target_group"),
        )
        .annotate(
            audience_order=models.Case(
                *(
                    models.When(audience=group, then=models.Value(order))
                    for order, group in enumerate(TargetGroup.values)
                ),
                default=models.Value(len(TargetGroup.values)),
            )
        )
        .order_by(
            F("block_order").asc(nulls_last=True),
            "type__building_block__name",
            "school__name",
            "audience_order",
            "title",
            "id",
        )
    )


def offer_category(block: str | None, audience: str) -> str:
    """The category of ``aanbod_per_bouwsteen``: ``<building block code>:<target group>``."""
    return f"{block or d.NO_BUILDING_BLOCK}:{audience}"


def _count_offer(records: _Records, ids: list[int], values: Values) -> list[str]:
    """Activities offered per school, building block and target group: 1 query."""
    groups = list(TargetGroup.values)
    categories: dict[str, tuple] = {}
    rows = offered_activities(records.period, ids).values_list(
        "school_id", "block", "block_order", "audience"
    )
    for school_id, block, order, audience in rows:
        category = offer_category(block, audience)
        categories[category] = (
            order is None,
            order or 0,
            block or "",
            groups.index(audience) if audience in groups else len(groups),
        )
        values[(school_id, d.OFFER_PER_BUILDING_BLOCK, category)] += 1
    return sorted(categories, key=categories.__getitem__)


def count_values(period: Period, ids: list[int]) -> tuple[dict[str, list[str]], Values]:
    """The counted figures of the schools ``ids`` in ``period``, and the categories: 33 queries."""
    start, end = period.bounds()
    records = _Records(period, start, end)
    values: Values = defaultdict(int)
    types = dict(ActivityType.objects.order_by("sort_order", "name").values_list("id", "code"))
    months = _count_contacts(records, ids, values)
    themes = _count_themes(records, ids, values)
    partners = _count_referrals(records, ids, values)
    _count_sessions(records, ids, types, values)
    _count_participants(records, ids, types, values)
    _count_families(records, ids, values)
    _count_parents(records, ids, values)
    _count_children(records, ids, values)
    languages = _count_languages(records, ids, values)
    _count_new_parents(records, ids, values)
    with_partners = sorted(
        {*_count_partners(records, ids, values), *_count_spreekuren_held(records, ids, values)}
    )
    sources = _count_sources(records, ids, values)
    kinds, kind_statuses = _count_provisions(records, ids, values)
    funders = _count_funding(records, ids, values)
    programmes = _count_programmes(records, ids, values)
    offer = _count_offer(records, ids, values)
    type_codes = list(types.values())
    categories = {
        d.CONTACTS_PER_MONTH: months,
        d.CONTACTS_PER_THEME: themes,
        d.REFERRALS: partners,
        d.REFERRALS_COMPLETED: list(partners),
        d.SESSIONS: type_codes,
        d.ATTENDANCE: list(type_codes),
        d.PARTICIPANTS: list(type_codes),
        d.CONTACTS_PER_LANGUAGE: languages,
        **{code: list(with_partners) for code in d.PER_PARTNER},
        d.CONTACTS_PER_SOURCE: sources,
        d.FAMILIES_PER_PROVISION: kinds,
        d.FAMILIES_PER_PROVISION_STATUS: kind_statuses,
        **{code: list(funders) for code in d.PER_FUNDER},
        d.CHILDREN_PER_PROGRAMME: programmes,
        d.PUPILS_PER_PROGRAMME: list(programmes),
        d.OFFER_PER_BUILDING_BLOCK: offer,
    }
    return categories, dict(values)


def count_partner_values(period: Period, ids: list[int], partner_id: int) -> Values:
    """One partner's figures (its category of the referral and partner indicators) at the
    schools ``ids`` in ``period``, as ``count_values`` counts them: 8 queries at most."""
    start, end = period.bounds()
    records = _Records(period, start, end)
    values: Values = defaultdict(int)
    _count_referrals(records, ids, values, partner_id)
    _count_partners(records, ids, values, partner_id)
    _count_spreekuren_held(records, ids, values, partner_id)
    return dict(values)


def live_figures(school_year: SchoolYear, schools=None, period: Period | None = None) -> Figures:
    """Count the figures of ``schools`` (all when None) in the live records: 34 queries.

    With ``period`` the figures are those of that period (pupils and families of
    ``school_year``, the period's ``school_year``); without, of the school year."""
    infos = school_infos(school_year, school_queryset(schools))
    counted = period or Period.of(school_year)
    categories, values = count_values(counted, [info.id for info in infos])
    return Figures(
        school_year=school_year,
        schools=infos,
        categories=categories,
        values=values,
        period_label=counted.label if period else None,
    )


def base_keys(figures: Figures):
    """Every counted (indicator, category) of one school, in the order of the report.

    A categorised figure starts with its empty category, a mark (value 0) that the figure was
    counted: a frozen year then holds it even when nothing was counted in any category."""
    for code in BASE_COUNTS:
        if BY_CODE[code].categorised:
            yield code, ""
            yield from ((code, category) for category in figures.categories.get(code, []))
        else:
            yield code, ""


def frozen_figures(snapshot, schools=None) -> Figures:
    """The figures of ``schools`` as frozen in ``snapshot``: 2 queries."""
    from ..models import ReachSnapshotFigure, ReachSnapshotSchool

    school_ids = school_queryset(schools).values("pk")
    frozen_schools = list(
        ReachSnapshotSchool.objects.filter(snapshot=snapshot, school_id__in=school_ids)
        .select_related("school")
        .order_by("school_name")
    )
    # The name, board and counts are those of the year; what the breakdowns group by is read
    # from the school as it is now (a snapshot does not hold it).
    infos = [
        SchoolInfo(
            s.school_id,
            s.school_name,
            s.board_name,
            s.pupils,
            s.families,
            s.school.type,
            s.school.municipality,
            s.school.district,
            s.school.start_year,
        )
        for s in frozen_schools
    ]
    rows = (
        ReachSnapshotFigure.objects.filter(snapshot_school__in=[s.pk for s in frozen_schools])
        .order_by("id")
        .values_list("snapshot_school__school_id", "indicator", "category", "value")
    )
    values = {}
    categories: dict[str, dict[str, None]] = defaultdict(dict)
    held = set()
    for school_id, indicator, category, value in rows:
        held.add(indicator)
        if BY_CODE[indicator].categorised:
            if not category:
                continue  # the mark that the figure was frozen (see ``base_keys``)
            categories[indicator][category] = None
        values[(school_id, indicator, category)] = value
    year = SchoolYear.parse(snapshot.school_year)
    # Every month is a column even when no frozen school of the reader counted anything.
    months = categories.get(d.CONTACTS_PER_MONTH, {})
    categories[d.CONTACTS_PER_MONTH] = dict.fromkeys([*month_labels(year), *months])
    return Figures(
        school_year=year,
        schools=infos,
        categories={code: list(found) for code, found in categories.items()},
        values=values,
        frozen_at=snapshot.frozen_at,
        # A figure added after the year was frozen is not in it: unknown, not 0, not live.
        absent=frozenset(code for code in BASE_COUNTS if code not in held)
        if infos
        else frozenset(),
    )


def merged_figures(frozen: Figures, live: Figures) -> Figures:
    """The frozen schools' figures with the live ones of schools the snapshot does not hold."""
    categories = {
        code: list(
            dict.fromkeys([*frozen.categories.get(code, []), *live.categories.get(code, [])])
        )
        for code in {*frozen.categories, *live.categories}
    }
    return Figures(
        school_year=frozen.school_year,
        schools=sorted([*frozen.schools, *live.schools], key=lambda school: school.name),
        categories=categories,
        values={**live.values, **frozen.values},
        frozen_at=frozen.frozen_at,
        absent=frozen.absent,
    )
