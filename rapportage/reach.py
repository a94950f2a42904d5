"""The yearly reach figures (bereik): per school, per board and in total.

How the figures are counted:

- A school year runs from 1 August to 31 July, by the local date in Europe/Amsterdam: a contact
  on 31 July at 23:30 belongs to the year that ends that day.
- Events (contacts, referrals, sessions, attendance) count at the school where they happened.
- People (families, parents, children) count once per school year, at their own family's
  school, whichever route reached them (contact, attended appointment, named attendance).
  A family belongs to one school, so the sums over schools, boards and the total stay distinct
  counts even when a parent also came to an activity at another school.
- The database does all counting (COUNT, COUNT DISTINCT, conditional aggregation, and
  IN-subqueries over the routes, so that a family reached twice counts once); Python only
  arranges the few hundred aggregated numbers into rows, totals and percentages.
- A frozen year (``ReachSnapshot``) is read from its snapshot instead of the live records.

Small counts: with ``min_cell=K`` every count from 1 to K-1 is hidden (shown as ``<K``), and
then more cells are hidden until no sum shows exactly one hidden cell: the board and total rows
over the schools, and a school's contacts over the months and its referrals, sessions and
attendance over their categories. A percentage is hidden with its count; a change against
last year is only shown when both years are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils.translation import gettext_lazy as _

from activiteiten.constants import EXTENDED_SCHOOL_DAY, EnrolmentStatus
from activiteiten.models import ActiveParentRole, ActivityType, Attendance, Enrolment, Session
from familieschool.models import Child, Family, Parent, School, SchoolYearFigures
from familieschool.schoolyear import SchoolYear
from partners.constants import AppointmentStatus
from partners.models import Appointment
from servicepunt.constants import ReferralStatus
from servicepunt.models import Contact, Referral, Theme

__all__ = [
    "INDICATORS",
    "Figures",
    "ReachReport",
    "ReachRow",
    "build_rows",
    "frozen_figures",
    "live_figures",
    "reach_report",
    "reach_rows",
]

TOTAL = "totaal"
BOARD_PREFIX = "bestuur: "

LEVEL_SCHOOL = "school"
LEVEL_BOARD = "board"
LEVEL_TOTAL = "total"

GROUP_REACH = "bereik"
GROUP_CONTACTS = "contacten"
GROUP_REFERRALS = "doorverwijzingen"
GROUP_ACTIVITIES = "activiteiten"
GROUPS = {
    GROUP_REACH: _("Reach"),
    GROUP_CONTACTS: _("Contacts"),
    GROUP_REFERRALS: _("Referrals"),
    GROUP_ACTIVITIES: _("Activities"),
}

PUPILS = "pupils"
FAMILIES = "families"
MONTHS = "contacten_per_maand"


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    label: str
    # Counts per category (theme, month, partner, activity type) instead of one number.
    categorised: bool = False
    # A categorised count that also has a row with an empty category: the sum of its categories.
    with_total: bool = False
    # For a percentage: (the count it is computed from, PUPILS or FAMILIES).
    percentage_of: tuple[str, str] | None = None
    # The figure on the dashboard's key-figure table and the export's overview sheet.
    key: bool = False

    @property
    def is_percentage(self) -> bool:
        return self.percentage_of is not None


INDICATORS = [
    Indicator("gezinnen_bereikt", GROUP_REACH, _("Families reached"), key=True),
    Indicator("ouders_bereikt", GROUP_REACH, _("Parents reached"), key=True),
    Indicator("gezinnen_servicepunt", GROUP_REACH, _("Families supported by the servicepunt")),
    Indicator(
        "gezinnen_servicepunt_pct",
        GROUP_REACH,
        _("Families supported by the servicepunt (% of families)"),
        percentage_of=("gezinnen_servicepunt", FAMILIES),
        key=True,
    ),
    Indicator("gezinnen_actieve_ouder", GROUP_REACH, _("Families with a parent in an active role")),
    Indicator(
        "gezinnen_actieve_ouder_pct",
        GROUP_REACH,
        _("Families with a parent in an active role (% of families)"),
        percentage_of=("gezinnen_actieve_ouder", FAMILIES),
        key=True,
    ),
    Indicator("contacten", GROUP_CONTACTS, _("Contacts"), key=True),
    Indicator("contacten_anoniem", GROUP_CONTACTS, _("Anonymous contacts"), key=True),
    Indicator(MONTHS, GROUP_CONTACTS, _("Contacts per month"), categorised=True),
    Indicator("contacten_per_thema", GROUP_CONTACTS, _("Contacts per theme"), categorised=True),
    Indicator(
        "doorverwijzingen",
        GROUP_REFERRALS,
        _("Referrals"),
        categorised=True,
        with_total=True,
        key=True,
    ),
    Indicator(
        "doorverwijzingen_afgerond",
        GROUP_REFERRALS,
        _("Completed referrals"),
        categorised=True,
        with_total=True,
    ),
    Indicator(
        "bijeenkomsten",
        GROUP_ACTIVITIES,
        _("Sessions held"),
        categorised=True,
        with_total=True,
        key=True,
    ),
    Indicator(
        "deelnames",
        GROUP_ACTIVITIES,
        _("Attendance (named and anonymous)"),
        categorised=True,
        with_total=True,
        key=True,
    ),
    Indicator(
        "deelnemers_uniek", GROUP_ACTIVITIES, _("Unique participants (named)"), categorised=True
    ),
    Indicator(
        "kinderen_verlengde_schooldag",
        GROUP_ACTIVITIES,
        _("Children in the extended school day"),
    ),
    Indicator(
        "kinderen_verlengde_schooldag_pct",
        GROUP_ACTIVITIES,
        _("Children in the extended school day (% of pupils)"),
        percentage_of=("kinderen_verlengde_schooldag", PUPILS),
        key=True,
    ),
]
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
# Counts whose categories add up to another figure: contacts over the months.
PARTITIONS = {MONTHS: "contacten"}
# The counted figures; everything else is a sum or a percentage of these.
BASE_COUNTS = [
    "gezinnen_bereikt",
    "ouders_bereikt",
    "gezinnen_servicepunt",
    "gezinnen_actieve_ouder",
    "contacten_anoniem",
    MONTHS,
    "contacten_per_thema",
    "doorverwijzingen",
    "doorverwijzingen_afgerond",
    "bijeenkomsten",
    "deelnames",
    "deelnemers_uniek",
    "kinderen_verlengde_schooldag",
]
# Categories that appear only where something was counted (a partner without referrals in
# the selection gets no rows); the others are listed in full, zeros included.
SPARSE = {"doorverwijzingen", "doorverwijzingen_afgerond"}
ONE_DECIMAL = Decimal("0.1")


# --- plain rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReachRow:
    """One figure: ``waarde`` is the text the exports write."""

    school_year: str
    school: str
    indicator: str
    category: str
    value: int | Decimal | None
    hidden: bool = False
    level: str = LEVEL_SCHOOL
    min_cell: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.school, self.indicator, self.category)

    @property
    def is_percentage(self) -> bool:
        return BY_CODE[self.indicator].is_percentage

    @property
    def shown(self) -> int | Decimal | None:
        """The value a reader may see: None when hidden or unknown."""
        return None if self.hidden else self.value

    @property
    def waarde(self) -> str:
        if self.hidden:
            return f"<{self.min_cell}"
        if self.value is None:
            return ""
        if isinstance(self.value, Decimal):
            return f"{self.value:.1f}"
        return str(self.value)


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    name: str
    board: str
    pupils: int | None
    families: int | None


@dataclass
class Figures:
    """The counted figures per school, before totals, percentages and suppression."""

    school_year: SchoolYear
    schools: list[SchoolInfo]
    categories: dict[str, list[str]]
    values: dict[tuple[int, str, str], int]
    frozen_at: datetime | None = None


# --- counting in the database ------------------------------------------------------------


def year_bounds(year: SchoolYear) -> tuple[datetime, datetime]:
    """The first moment of the school year and the first moment after it, in local time."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(year.start, time.min, tzinfo=zone)
    end = datetime.combine(year.end + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def month_labels(year: SchoolYear) -> list[str]:
    """``2024-08`` to ``2025-07``."""
    return [f"{year.start_year}-{m:02d}" for m in range(8, 13)] + [
        f"{year.start_year + 1}-{m:02d}" for m in range(1, 8)
    ]


def _school_queryset(schools) -> QuerySet[School]:
    if schools is None:
        return School.objects.all()
    if isinstance(schools, QuerySet):
        return schools
    return School.objects.filter(pk__in=[school.pk for school in schools])


def _school_infos(year: SchoolYear, schools: QuerySet[School]) -> list[SchoolInfo]:
    figures = SchoolYearFigures.objects.filter(school=OuterRef("pk"), school_year=year.label)
    rows = (
        School.objects.filter(pk__in=schools.values("pk"))
        .annotate(
            year_pupils=Subquery(figures.values("pupils")[:1]),
            year_families=Subquery(figures.values("families")[:1]),
        )
        .order_by("name")
        .values_list("id", "name", "board__name", "year_pupils", "year_families")
    )
    return [SchoolInfo(*row) for row in rows]


def _union(*parts: QuerySet) -> QuerySet:
    """The set of ids the parts select: each part made distinct first, then UNION."""
    first, *rest = (part.order_by().distinct() for part in parts)
    return first.union(*rest)


def live_figures(school_year: SchoolYear, schools=None) -> Figures:
    """Count the figures of ``schools`` (all when None) in the live records: 14 queries."""
    year = school_year
    infos = _school_infos(year, _school_queryset(schools))
    ids = [info.id for info in infos]
    start, end = year_bounds(year)
    zone = ZoneInfo(settings.TIME_ZONE)
    values: dict[tuple[int, str, str], int] = defaultdict(int)
    months = month_labels(year)

    contacts = Contact.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    sessions_held = Q(session__date__gte=year.start, session__date__lte=year.end) & Q(
        session__cancelled=False
    )
    attendance = Attendance.objects.filter(sessions_held)
    appointments = Appointment.objects.filter(
        status=AppointmentStatus.ATTENDED, date__gte=year.start, date__lte=year.end
    )

    # Contacts per school and local month; the year's contacts are the sum of the months.
    per_month = (
        contacts.filter(school_id__in=ids)
        .annotate(month=ExtractMonth("occurred_at", tzinfo=zone))
        .values("school_id", "month")
        .annotate(n=Count("id"), anonymous=Count("id", filter=Q(family__isnull=True)))
        .order_by()
    )
    for row in per_month:
        label = months[(row["month"] - 8) % 12]
        values[(row["school_id"], MONTHS, label)] += row["n"]
        values[(row["school_id"], "contacten_anoniem", "")] += row["anonymous"]

    themes = dict(Theme.objects.order_by("sort_order", "name").values_list("id", "code"))
    per_theme = (
        Contact.themes.through.objects.filter(
            contact__occurred_at__gte=start,
            contact__occurred_at__lt=end,
            contact__school_id__in=ids,
        )
        .values("contact__school_id", "theme_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in per_theme:
        values[(row["contact__school_id"], "contacten_per_thema", themes[row["theme_id"]])] = row[
            "n"
        ]

    per_partner = (
        Referral.objects.filter(
            contact__occurred_at__gte=start, contact__occurred_at__lt=end, school_id__in=ids
        )
        .values("school_id", "partner__name")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=ReferralStatus.COMPLETED)))
        .order_by()
    )
    partners = set()
    for row in per_partner:
        partners.add(row["partner__name"])
        values[(row["school_id"], "doorverwijzingen", row["partner__name"])] = row["n"]
        values[(row["school_id"], "doorverwijzingen_afgerond", row["partner__name"])] = row["done"]

    types = dict(ActivityType.objects.order_by("sort_order", "name").values_list("id", "code"))
    # Sessions held, with their named attendance counted per session (an index-only count).
    named = (
        Attendance.objects.filter(session=OuterRef("pk"))
        .values("session")
        .annotate(n=Count("id"))
        .values("n")
    )
    per_type_sessions = (
        Session.objects.filter(
            date__gte=year.start,
            date__lte=year.end,
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
    for row in per_type_sessions:
        school, code = row["activity__school_id"], types[row["activity__type_id"]]
        values[(school, "bijeenkomsten", code)] = row["n"]
        values[(school, "deelnames", code)] = (row["anonymous"] or 0) + (row["named"] or 0)
    # Unique participants per activity type, counted at their own school: for every type the
    # parents (and children) whose id is in that type's attendance of the year.
    for model, person in ((Parent, "parent"), (Child, "child")):
        per_type = {
            f"type_{type_id}": Count(
                "id",
                filter=Q(
                    id__in=attendance.filter(
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
        for row in people if per_type else []:
            for type_id, code in types.items():
                values[(row["family__school_id"], "deelnemers_uniek", code)] += row[
                    f"type_{type_id}"
                ]

    # People: each counted once, however many routes reached them: the routes' ids are
    # combined with UNION (a set) and the people counted with a semi-join on it.
    contact_families = contacts.filter(family__isnull=False).values("family_id")
    attending_parents = attendance.filter(parent__isnull=False).values("parent_id")
    attending_children = attendance.filter(child__isnull=False).values("child_id")
    reached_families = _union(
        contact_families,
        appointments.annotate(reached=Coalesce("family_id", "parent__family_id")).values("reached"),
        attendance.annotate(reached=Coalesce("parent__family_id", "child__family_id")).values(
            "reached"
        ),
    )
    active_families = (
        ActiveParentRole.objects.filter(school_year=year.label)
        .values("parent__family_id")
        .order_by()
    )
    for code, route in (
        ("gezinnen_bereikt", reached_families),
        ("gezinnen_servicepunt", contact_families),
        ("gezinnen_actieve_ouder", active_families),
    ):
        per_school = (
            Family.objects.filter(school_id__in=ids, id__in=route.order_by())
            .values("school_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in per_school:
            values[(row["school_id"], code, "")] = row["n"]

    reached_parents = _union(
        contacts.filter(parent__isnull=False).values("parent_id"),
        appointments.filter(parent__isnull=False).values("parent_id"),
        attending_parents,
    )
    per_school_parents = (
        Parent.objects.filter(family__school_id__in=ids, id__in=reached_parents)
        .values("family__school_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in per_school_parents:
        values[(row["family__school_id"], "ouders_bereikt", "")] = row["n"]

    extended_day = Q(activity__type__code=EXTENDED_SCHOOL_DAY)
    enrolled = (
        Enrolment.objects.filter(
            extended_day,
            status=EnrolmentStatus.ENROLLED,
            child__isnull=False,
            requested_at__lt=end,
            activity__valid_from__lte=year.end,
        )
        .filter(Q(activity__valid_until__isnull=True) | Q(activity__valid_until__gte=year.start))
        .values("child_id")
    )
    attending = attending_children.filter(session__activity__type__code=EXTENDED_SCHOOL_DAY)
    per_school_children = (
        Child.objects.filter(family__school_id__in=ids, id__in=_union(enrolled, attending))
        .values("family__school_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in per_school_children:
        values[(row["family__school_id"], "kinderen_verlengde_schooldag", "")] = row["n"]

    categories = {
        MONTHS: months,
        "contacten_per_thema": list(themes.values()),
        "doorverwijzingen": sorted(partners),
        "doorverwijzingen_afgerond": sorted(partners),
        "bijeenkomsten": list(types.values()),
        "deelnames": list(types.values()),
        "deelnemers_uniek": list(types.values()),
    }
    return Figures(school_year=year, schools=infos, categories=categories, values=dict(values))


def base_keys(figures: Figures):
    """Every counted (indicator, category) of one school, in the order of the report."""
    for code in BASE_COUNTS:
        for category in figures.categories.get(code, [""]):
            yield code, category


def frozen_figures(snapshot, schools=None) -> Figures:
    """The figures of ``schools`` as frozen in ``snapshot``: 2 queries."""
    from .models import ReachSnapshotFigure, ReachSnapshotSchool

    school_ids = _school_queryset(schools).values("pk")
    frozen_schools = list(
        ReachSnapshotSchool.objects.filter(snapshot=snapshot, school_id__in=school_ids).order_by(
            "school_name"
        )
    )
    infos = [
        SchoolInfo(s.school_id, s.school_name, s.board_name, s.pupils, s.families)
        for s in frozen_schools
    ]
    rows = (
        ReachSnapshotFigure.objects.filter(snapshot_school__in=[s.pk for s in frozen_schools])
        .order_by("id")
        .values_list("snapshot_school__school_id", "indicator", "category", "value")
    )
    values = {}
    categories: dict[str, dict[str, None]] = defaultdict(dict)
    for school_id, indicator, category, value in rows:
        values[(school_id, indicator, category)] = value
        if BY_CODE[indicator].categorised:
            categories[indicator][category] = None
    return Figures(
        school_year=SchoolYear.parse(snapshot.school_year),
        schools=infos,
        categories={code: list(found) for code, found in categories.items()},
        values=values,
        frozen_at=snapshot.frozen_at,
    )


# --- from figures to rows ----------------------------------------------------------------


def _percentage(numerator: int, denominator: int | None) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator * 100) / Decimal(denominator)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _suppress(cells: dict, relations: list, min_cell: int) -> set:
    """Hide counts from 1 to min_cell-1, then more until no sum has exactly one hidden cell."""
    hidden = {key for key, value in cells.items() if 0 < value < min_cell}
    changed = bool(hidden)
    while changed:
        changed = False
        for total, parts in relations:
            if not parts or sum(member in hidden for member in (total, *parts)) != 1:
                continue
            visible = [part for part in parts if part not in hidden]
            # The smallest other count that is not zero; when none is left, the total itself
            # (or, when the total is the hidden one, any part).
            candidates = [part for part in visible if cells[part] > 0] or (
                visible if total in hidden else []
            )
            if candidates:
                hidden.add(min(candidates, key=lambda part: (cells[part], parts.index(part))))
            else:
                hidden.add(total)
            changed = True
    return hidden


def build_rows(figures: Figures, min_cell: int = 0, only: set[int] | None = None) -> list[ReachRow]:
    """Totals per board and overall, percentages and small-count suppression: plain rows.

    With ``only`` (some of the schools' ids) the rows are those of these schools cut from the
    report of all of them: what is hidden there stays hidden, so that no two selections can be
    subtracted. A board stays when all its schools are chosen; the total becomes that of the
    one whole board chosen, or unknown.
    """
    rows = _build_rows(figures, min_cell)
    if only is None or only >= {school.id for school in figures.schools}:
        return rows
    return _narrow(rows, figures, only)


def _narrow(rows: list[ReachRow], figures: Figures, only: set[int]) -> list[ReachRow]:
    members: dict[str, set[int]] = defaultdict(set)
    for school in figures.schools:
        members[school.board].add(school.id)
    keep = {(LEVEL_SCHOOL, school.name) for school in figures.schools if school.id in only} | {
        (LEVEL_BOARD, BOARD_PREFIX + board) for board, ids in members.items() if ids <= only
    }
    chosen = [board for board, ids in members.items() if ids & only]
    total_from = (
        BOARD_PREFIX + chosen[0] if len(chosen) == 1 and members[chosen[0]] == only else None
    )
    by_key = {row.key: row for row in rows}
    narrowed = []
    for row in rows:
        if (row.level, row.school) in keep:
            narrowed.append(row)
        elif row.level == LEVEL_TOTAL and total_from is not None:
            board_row = by_key[(total_from, row.indicator, row.category)]
            narrowed.append(replace(board_row, school=TOTAL, level=LEVEL_TOTAL))
        elif row.level == LEVEL_TOTAL:
            narrowed.append(replace(row, value=None, hidden=False))
    return narrowed


def _build_rows(figures: Figures, min_cell: int) -> list[ReachRow]:
    label = figures.school_year.label
    schools = figures.schools
    boards = sorted({school.board for school in schools})
    entities = (
        [(LEVEL_SCHOOL, school.name, [school]) for school in schools]
        + [
            (
                LEVEL_BOARD,
                BOARD_PREFIX + board,
                [school for school in schools if school.board == board],
            )
            for board in boards
        ]
        + [(LEVEL_TOTAL, TOTAL, schools)]
    )

    categories = dict(figures.categories)
    for code in SPARSE:
        categories[code] = [
            category
            for category in categories.get(code, [])
            if any(figures.values.get((s.id, code, category), 0) for s in schools)
        ]

    def count_keys():
        for indicator in INDICATORS:
            if indicator.is_percentage:
                continue
            if not indicator.categorised or indicator.with_total:
                yield indicator.code, ""
            if indicator.categorised:
                for category in categories.get(indicator.code, []):
                    yield indicator.code, category

    keys = list(count_keys())

    def school_value(school: SchoolInfo, code: str, category: str) -> int:
        if code in PARTITIONS.values() and not category:
            part = next(part for part, whole in PARTITIONS.items() if whole == code)
            parts = categories.get(part, [])
            return sum(figures.values.get((school.id, part, c), 0) for c in parts)
        if category == "" and BY_CODE[code].with_total:
            parts = categories.get(code, [])
            return sum(figures.values.get((school.id, code, c), 0) for c in parts)
        return figures.values.get((school.id, code, category), 0)

    per_school = {
        (school.id, code, category): school_value(school, code, category)
        for school in schools
        for code, category in keys
    }
    cells = {}
    for _level, name, members in entities:
        for code, category in keys:
            cells[(name, code, category)] = sum(
                per_school[(school.id, code, category)] for school in members
            )

    hidden: set = set()
    if min_cell > 1:
        relations = []
        school_entities = {school.id: school.name for school in schools}
        for code, category in keys:
            for board in boards:
                relations.append(
                    (
                        (BOARD_PREFIX + board, code, category),
                        [
                            (school_entities[s.id], code, category)
                            for s in schools
                            if s.board == board
                        ],
                    )
                )
            relations.append(
                ((TOTAL, code, category), [(BOARD_PREFIX + b, code, category) for b in boards])
            )
        for _level, name, _members in entities:
            for part, whole in PARTITIONS.items():
                relations.append(
                    ((name, whole, ""), [(name, part, c) for c in categories.get(part, [])])
                )
            for indicator in INDICATORS:
                if indicator.with_total:
                    relations.append(
                        (
                            (name, indicator.code, ""),
                            [(name, indicator.code, c) for c in categories.get(indicator.code, [])],
                        )
                    )
        hidden = _suppress(cells, relations, min_cell)

    rows = []
    for level, name, members in entities:
        denominators = {
            kind: (
                None
                if any(getattr(school, kind) is None for school in members) or not members
                else sum(getattr(school, kind) for school in members)
            )
            for kind in (PUPILS, FAMILIES)
        }
        for indicator in INDICATORS:
            if indicator.is_percentage:
                numerator, kind = indicator.percentage_of
                key = (name, numerator, "")
                rows.append(
                    ReachRow(
                        label,
                        name,
                        indicator.code,
                        "",
                        _percentage(cells[key], denominators[kind]),
                        hidden=key in hidden and denominators[kind] is not None,
                        level=level,
                        min_cell=min_cell,
                    )
                )
                continue
            own = []
            if not indicator.categorised or indicator.with_total:
                own.append("")
            if indicator.categorised:
                own += categories.get(indicator.code, [])
            for category in own:
                key = (name, indicator.code, category)
                rows.append(
                    ReachRow(
                        label,
                        name,
                        indicator.code,
                        category,
                        cells[key],
                        hidden=key in hidden,
                        level=level,
                        min_cell=min_cell,
                    )
                )
    return rows


# --- the public entry points -------------------------------------------------------------


@dataclass
class ReachReport:
    school_year: SchoolYear
    rows: list[ReachRow]
    min_cell: int = 0
    frozen_at: datetime | None = None
    previous_rows: list[ReachRow] = field(default_factory=list)
    previous_frozen_at: datetime | None = None

    def __post_init__(self):
        self._previous = {row.key: row for row in self.previous_rows}

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def previous(self, row: ReachRow) -> ReachRow | None:
        """The same figure last year (the same month for months; 0 for an unlisted partner)."""
        key = row.key
        if row.indicator == MONTHS and row.category:
            year, month = row.category.split("-")
            key = (row.school, MONTHS, f"{int(year) - 1}-{month}")
        found = self._previous.get(key)
        if (
            found is None
            and row.indicator in SPARSE
            and (row.school, row.indicator, "") in (self._previous)
        ):
            found = ReachRow(
                school_year=self.school_year.previous().label,
                school=row.school,
                indicator=row.indicator,
                category=row.category,
                value=0,
                level=row.level,
                min_cell=row.min_cell,
            )
        return found

    def change(self, row: ReachRow) -> int | Decimal | None:
        """This year minus last year; None when either is hidden or unknown."""
        before = self.previous(row)
        if before is None or row.shown is None or before.shown is None:
            return None
        return row.shown - before.shown


def _coerce_year(school_year) -> SchoolYear:
    if isinstance(school_year, SchoolYear):
        return school_year
    return SchoolYear.parse(str(school_year))


def _figures(year: SchoolYear, schools, snapshots: dict, live: bool) -> Figures:
    snapshot = None if live else snapshots.get(year.label)
    if snapshot is not None:
        return frozen_figures(snapshot, schools)
    return live_figures(year, schools)


def reach_report(
    school_year,
    *,
    schools=None,
    min_cell: int = 0,
    live: bool = False,
    previous: bool = True,
    scope=None,
) -> ReachReport:
    """The year's rows (and last year's, for the changes), from the snapshot when frozen.

    ``scope`` is every school the reader may see (``schools`` among them): small counts are
    then hidden as in the report of the whole scope (see ``build_rows``).
    """
    from .models import ReachSnapshot

    year = _coerce_year(school_year)
    years = [year, year.previous()] if previous else [year]
    snapshots = {
        snapshot.school_year: snapshot
        for snapshot in ReachSnapshot.objects.filter(school_year__in=[y.label for y in years])
    }
    only = None
    if scope is not None and min_cell > 1:
        only = set(_school_queryset(schools).values_list("pk", flat=True))
        schools = scope
    current = _figures(year, schools, snapshots, live)
    before = _figures(year.previous(), schools, snapshots, live) if previous else None
    return ReachReport(
        school_year=year,
        rows=build_rows(current, min_cell, only),
        min_cell=min_cell,
        frozen_at=current.frozen_at,
        previous_rows=build_rows(before, min_cell, only) if before else [],
        previous_frozen_at=before.frozen_at if before else None,
    )


def reach_rows(school_year, schools=None, min_cell: int = 0, live: bool = False) -> list[ReachRow]:
    """The figures of one school year as plain rows (from its snapshot when it is frozen)."""
    return reach_report(
        school_year, schools=schools, min_cell=min_cell, live=live, previous=False
    ).rows
