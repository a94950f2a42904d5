"""Import of attendance from a spreadsheet: all rows or nothing, and twice changes nothing.

Columns: datum, school, activiteit, gezin, ouder, kind, groep, aantal_anoniem. A row names one
person (a parent or a child of the family ``gezin``) or holds only a headcount
(``aantal_anoniem``). Unknown activities and sessions are created, and so are unknown families,
parents and children, as the contact import does (a new child gets ``groep`` of the school year
of the row's date, or "other"). Named attendance is unique per session and person,
so a second import finds it. A headcount is added to its session once per file row: the row's
content and its number among identical rows are hashed into an ``ImportedHeadcount`` key.
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, time

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from familieschool.constants import ChildGroup, Recurrence
from familieschool.models import Child, Family, Parent, School
from familieschool.schoolyear import SchoolYear
from familieschool.tabular import ImportFailed, ImportSummary, RowError, parse_date, read_table

from .models import Activity, ActivityType, Attendance, ImportedHeadcount, Session
from .services import MAX_HEADCOUNT

REQUIRED = ["datum", "school", "activiteit"]
OPTIONAL = ["gezin", "ouder", "kind", "groep", "aantal_anoniem"]
# An activity the import creates gets a type from its title, else "overig".
TYPE_HINTS = [
    ("koffie", "koffieochtend"),
    ("taal", "taalles"),
    ("huiswerk", "huiswerkklas"),
    ("vader", "vadergroep"),
    ("thema", "themabijeenkomst"),
    ("ouderbijeenkomst", "themabijeenkomst"),
    ("verlengde", "verlengde_schooldag"),
    ("verrijkte", "verlengde_schooldag"),
    ("excursie", "excursie"),
    ("uitje", "excursie"),
    ("cursus", "cursus"),
    ("ouder-kind", "ouder_kind"),
]
DEFAULT_TIMES = (time(9, 0), time(10, 0))


__all__ = ["AttendanceImportSummary", "attendance_import"]


@dataclass
class AttendanceImportSummary(ImportSummary):
    activities_created: list[str] = field(default_factory=list)
    sessions_created: int = 0
    attendance_created: int = 0
    attendance_known: int = 0
    headcount_added: int = 0
    headcounts_known: int = 0
    families_created: int = 0
    parents_created: int = 0
    children_created: int = 0


@dataclass
class _Row:
    number: int
    day: date
    school: School
    title: str
    parent_id: int | None = None
    child_id: int | None = None
    headcount: int = 0
    key: str = ""
    # Who the import creates when the portal does not know them yet.
    family: Family | None = None
    family_code: str = ""
    new_parent: str = ""
    new_child: str = ""
    child_group: str = ChildGroup.OTHER


def _norm(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def _type_for(title: str, types: dict[str, ActivityType]) -> ActivityType:
    lowered = title.casefold()
    for hint, code in TYPE_HINTS:
        if hint in lowered and code in types:
            return types[code]
    return types["overig"]


def _match_person(
    row: _Row, family: Family | None, parent_name: str, child_name: str, error
) -> None:
    """Find the one parent or child of ``family`` the row names; one it lacks is created."""
    if parent_name:
        wanted = _norm(parent_name)
        parents = list(family.parents.all()) if family else []
        found = [p for p in parents if _norm(f"{p.first_name} {p.last_name}") == wanted]
        found = found or [p for p in parents if _norm(p.first_name) == wanted]
        if len(found) == 1:
            row.parent_id = found[0].pk
        elif not found:
            row.new_parent = " ".join(parent_name.split())
        else:
            error("ouder", _("More than one parent in the family has this name."))
        return
    children = list(family.children.all()) if family else []
    found = [c for c in children if _norm(c.first_name) == _norm(child_name)]
    if len(found) == 1:
        row.child_id = found[0].pk
    elif not found:
        row.new_child = " ".join(child_name.split())
    else:
        error("kind", _("More than one child in the family has this name."))


def _group(text: str) -> str | None:
    """A groep as the sheet writes it: 1 to 8, klas 1 to 6, or a code such as g5; else None."""
    text = _norm(text).replace("groep", "").strip()
    if not text:
        return ChildGroup.OTHER
    if text.isdigit() and 1 <= int(text) <= 8:
        return f"g{int(text)}"
    if text.startswith("klas") and text[4:].strip().isdigit() and 1 <= int(text[4:]) <= 6:
        return f"l{int(text[4:])}"
    return text if text in ChildGroup.values else None


def _parse(table, today: date) -> tuple[list[_Row], list[RowError]]:
    schools = {}
    for school in School.objects.all():
        schools[_norm(school.name)] = school
        schools[_norm(school.slug)] = school
    school_ids = set()
    for _number, cells in table.rows:
        school = schools.get(_norm(cells.get("school", "")))
        if school and cells.get("gezin", "").strip():
            school_ids.add(school.pk)
    families = {
        (family.school_id, family.code.casefold()): family
        for family in Family.objects.filter(school_id__in=school_ids).prefetch_related(
            "parents", "children"
        )
    }

    rows, errors = [], []
    for number, cells in table.rows:
        row_errors = []

        def error(column, message, row_errors=row_errors, number=number):
            row_errors.append(RowError(number, column, message))

        try:
            day = parse_date(cells.get("datum", ""))
        except ValueError:
            day = None
            error("datum", _("Not a valid date; use YYYY-MM-DD or DD-MM-YYYY."))
        if day and day > today:
            error("datum", _("The date lies in the future."))
        school = schools.get(_norm(cells.get("school", "")))
        if school is None:
            error("school", _("No school with this name is known."))
        title = " ".join(cells.get("activiteit", "").split())
        if not title:
            error("activiteit", _("Fill in the activity."))
        elif len(title) > Activity._meta.get_field("title").max_length:
            error("activiteit", _("The name of the activity is too long."))
        code = cells.get("gezin", "").strip()
        parent_name = cells.get("ouder", "").strip()
        child_name = cells.get("kind", "").strip()
        headcount_text = cells.get("aantal_anoniem", "").strip()
        row = _Row(number, day, school, title)
        if headcount_text:
            if code or parent_name or child_name:
                error(
                    "aantal_anoniem",
                    _("A row with a headcount names nobody: put named people on their own row."),
                )
            # isascii: "²" is a digit to Python but not a number to int()
            if not (headcount_text.isascii() and headcount_text.isdigit()) or not (
                1 <= int(headcount_text) <= MAX_HEADCOUNT
            ):
                error(
                    "aantal_anoniem",
                    _("Enter a whole number from 1 to %(max)s.") % {"max": MAX_HEADCOUNT},
                )
            else:
                row.headcount = int(headcount_text)
        elif not code:
            error("gezin", _("Fill in the family code, or only aantal_anoniem."))
        elif len(code) > Family._meta.get_field("code").max_length:
            error("gezin", _("The family code is too long (at most 30 characters)."))
        elif bool(parent_name) == bool(child_name):
            error("ouder", _("Fill in either ouder or kind (one person per row)."))
        elif len(parent_name or child_name) > 100:
            error("ouder" if parent_name else "kind", _("The name is too long."))
        elif school is not None:
            family = families.get((school.pk, code.casefold()))
            if family is not None and family.anonymised_at is not None:
                error("gezin", _("This family has been anonymised; nobody can be added to it."))
            else:
                row.family, row.family_code = family, code
                _match_person(row, family, parent_name, child_name, error)
            group = _group(cells.get("groep", ""))
            if group is None:
                error("groep", _("Use a groep from 1 to 8 or klas 1 to 6."))
            else:
                row.child_group = group
        if row_errors:
            errors += row_errors
        else:
            rows.append(row)
    return rows, errors


def _create_missing_people(rows: list[_Row], summary: AttendanceImportSummary) -> None:
    """Create the families, parents and children the rows name that the portal lacks."""
    families: dict[tuple[int, str], Family] = {}
    parents: dict[tuple[int, str], Parent] = {}
    children: dict[tuple[int, str], Child] = {}
    for row in rows:
        if row.headcount:
            continue
        if row.family is None:
            key = (row.school.pk, row.family_code.casefold())
            if key not in families:
                families[key] = Family.objects.create(school=row.school, code=row.family_code)
            row.family = families[key]
        if row.new_parent:
            key = (row.family.pk, _norm(row.new_parent))
            if key not in parents:
                first, _space, last = row.new_parent.partition(" ")
                parents[key] = Parent.objects.create(
                    family=row.family, first_name=first, last_name=last
                )
            row.parent_id = parents[key].pk
        if row.new_child:
            key = (row.family.pk, _norm(row.new_child))
            if key not in children:
                # The groep in the sheet is the one of the school year of the row's date.
                children[key] = Child.objects.create(
                    family=row.family,
                    first_name=row.new_child,
                    group=row.child_group,
                    group_year=SchoolYear.of(row.day).start_year,
                )
            row.child_id = children[key].pk
    summary.families_created = len(families)
    summary.parents_created = len(parents)
    summary.children_created = len(children)


def _headcount_keys(rows: list[_Row]) -> None:
    seen: Counter = Counter()
    for row in rows:
        if not row.headcount:
            continue
        content = (row.day.isoformat(), row.school.pk, _norm(row.title), row.headcount)
        seen[content] += 1
        raw = "|".join(str(part) for part in (*content, seen[content]))
        row.key = hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def attendance_import(
    *, data: bytes, filename: str, dry_run: bool = False
) -> AttendanceImportSummary:
    """Import attendance rows; raises ImportFailed with every bad row and imports nothing."""
    table = read_table(data, filename, REQUIRED, OPTIONAL)
    rows, errors = _parse(table, timezone.localdate())
    if errors:
        raise ImportFailed(errors)
    _headcount_keys(rows)
    summary = AttendanceImportSummary(rows=len(rows), dry_run=dry_run)
    _create_missing_people(rows, summary)

    types = {activity_type.code: activity_type for activity_type in ActivityType.objects.all()}
    school_ids = {row.school.pk for row in rows}
    activities = {
        (activity.school_id, _norm(activity.title)): activity
        for activity in Activity.objects.filter(school_id__in=school_ids).order_by("-pk")
    }
    first_day: dict[tuple, _Row] = {}
    for row in sorted(rows, key=lambda row: row.day):
        first_day.setdefault((row.school.pk, _norm(row.title)), row)
    for key, row in first_day.items():
        if key in activities:
            continue
        activity = Activity(
            school=row.school,
            type=_type_for(row.title, types),
            title=row.title,
            weekday=row.day.weekday(),
            start_time=DEFAULT_TIMES[0],
            end_time=DEFAULT_TIMES[1],
            recurrence=Recurrence.ONCE,
            valid_from=row.day,
            public=False,
        )
        activity.full_clean()
        activity.save()
        activities[key] = activity
        summary.activities_created.append(f"{row.school.name}: {row.title}")

    sessions = {}
    for row in rows:
        activity = activities[(row.school.pk, _norm(row.title))]
        if (activity.pk, row.day) not in sessions:
            session, created = Session.objects.get_or_create(activity=activity, date=row.day)
            sessions[(activity.pk, row.day)] = session
            summary.sessions_created += created
    by_session = {(s.activity_id, s.date): s for s in sessions.values()}

    existing = set(
        Attendance.objects.filter(session__in=list(sessions.values())).values_list(
            "session_id", "parent_id", "child_id"
        )
    )
    new_rows = []
    for row in rows:
        if row.headcount:
            continue
        session = by_session[(activities[(row.school.pk, _norm(row.title))].pk, row.day)]
        key = (session.pk, row.parent_id, row.child_id)
        if key in existing:
            summary.attendance_known += 1
            continue
        existing.add(key)
        new_rows.append(Attendance(session=session, parent_id=row.parent_id, child_id=row.child_id))
    created = Attendance.objects.bulk_create(new_rows)
    summary.attendance_created = len(new_rows)
    _mark_first_times(created)

    known_keys = set(
        ImportedHeadcount.objects.filter(session__in=list(sessions.values())).values_list(
            "session_id", "row_key"
        )
    )
    added = defaultdict(int)
    headcounts = []
    for row in rows:
        if not row.headcount:
            continue
        session = by_session[(activities[(row.school.pk, _norm(row.title))].pk, row.day)]
        if (session.pk, row.key) in known_keys:
            summary.headcounts_known += 1
            continue
        known_keys.add((session.pk, row.key))
        headcounts.append(ImportedHeadcount(session=session, row_key=row.key, count=row.headcount))
        added[session.pk] += row.headcount
    ImportedHeadcount.objects.bulk_create(headcounts)
    for session in sessions.values():
        if added[session.pk]:
            session.anonymous_count += added[session.pk]
            session.full_clean()
            session.save(update_fields=["anonymous_count"])
    summary.headcount_added = sum(added.values())
    if dry_run:
        transaction.set_rollback(True)
    return summary


def _mark_first_times(created: list[Attendance]) -> None:
    """A new parent attendance is a first time when it is the parent's earliest at the school."""
    parent_rows = [row for row in created if row.parent_id]
    if not parent_rows:
        return
    school_of = dict(
        Session.objects.filter(pk__in={row.session_id for row in parent_rows}).values_list(
            "pk", "activity__school_id"
        )
    )
    firsts = {
        (item["parent_id"], item["session__activity__school_id"]): item["first"]
        for item in Attendance.objects.filter(parent_id__in={row.parent_id for row in parent_rows})
        .values("parent_id", "session__activity__school_id")
        .annotate(first=Min("session__date"))
    }
    dates = dict(
        Session.objects.filter(pk__in={row.session_id for row in parent_rows}).values_list(
            "pk", "date"
        )
    )
    marked = [
        row
        for row in parent_rows
        if firsts.get((row.parent_id, school_of[row.session_id])) == dates[row.session_id]
    ]
    for row in marked:
        row.first_time = True
    if marked:
        Attendance.objects.bulk_update(marked, ["first_time"])
