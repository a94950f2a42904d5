"""A city-sized data set for benchmarks and the load test (`manage.py loaddata_large`).

At scale 1: 40 schools in 4 boards over 5 school years, about 860,000 contacts, 1.7 million
attendance rows and 16,000 families, with users for every role. The last of the five years is
the current one, generated up to and including today, so that "today" and "this school year"
have data; the sessions and appointments of the rest of the current year are planned ahead.
Rows go in with PostgreSQL's COPY (minutes, not hours); a smaller ``scale`` makes fewer
schools with the same history per school, so a test can build it in seconds.
"""

import io
import json
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SCHOOLS = 40
BOARDS = 4
YEARS = 5
FAMILIES_PER_SCHOOL = 400
ACTIVITIES_PER_SCHOOL = 10
SPREEKUREN_PER_SCHOOL = 2
PARTNERS = 12
# The nominal totals of five full years; the current year is cut at today.
CONTACTS = 1_000_000
ATTENDANCE = 2_000_000
PASSWORD = "familieschool-groot"
# The breakdowns of the reach report (school type, municipality, district, starting year) need
# schools that differ in them: a third are vo, the last fifth lie in a second municipality.
DISTRICTS = ["Overvecht", "Kanaleneiland", "Zuilen", "Leidsche Rijn"]
MUNICIPALITIES = ["Utrecht", "Nieuwegein"]
FIRST_NAMES = ["Fatima", "Mohamed", "Aisha", "Youssef", "Sanne", "Daan", "Emine", "Mehmet"]
LAST_NAMES = ["El Amrani", "Yilmaz", "de Jong", "Bakker", "Bouzid", "Kaya", "Visser", "Haddou"]


def _school_type(s: int) -> str:
    return "vo" if s % 3 == 0 else "po"


def _municipality(s: int, schools: int) -> str:
    return MUNICIPALITIES[1] if s > schools * 4 // 5 else MUNICIPALITIES[0]


def _text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value)
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


class Loader:
    """COPY rows into a model's table; columns not given get the field's default."""

    def __init__(self, connection, now: datetime):
        self.connection = connection
        self.now = now

    def _defaults(self, model, given: list[str]) -> tuple[list[str], list[str]]:
        columns, texts = [], []
        for field in model._meta.local_concrete_fields:
            if field.column in given:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = self.now
            else:
                value = field.get_default()
            columns.append(field.column)
            texts.append(_text(value))
        return columns, texts

    def copy(self, model, columns: list[str], rows) -> int:
        extra_columns, extra_texts = self._defaults(model, columns)
        suffix = "".join("\t" + text for text in extra_texts)
        names = ", ".join(f'"{name}"' for name in [*columns, *extra_columns])
        count = 0
        self.connection.ensure_connection()
        raw = self.connection.connection
        with raw.cursor() as cursor:
            statement = f"COPY {model._meta.db_table} ({names}) FROM STDIN"
            with cursor.copy(statement) as copy:
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join(_text(value) for value in row) + suffix + "\n")
                    count += 1
                    if count % 50000 == 0:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
        return count


def school_days(year_start: int, until: date | None = None) -> list[date]:
    """Weekdays of a school year from 20 August to 10 July (cut at ``until``, which is kept)."""
    day, end = date(year_start, 8, 20), date(year_start + 1, 7, 10)
    if until is not None:
        end = min(end, until)
    days = []
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    if until is not None and until not in days and date(year_start, 8, 1) <= until:
        days.append(until)
    return days


def first_year(today: date) -> int:
    """The start year of the oldest of the five generated school years."""
    from familieschool.schoolyear import SchoolYear

    return SchoolYear.of(today).start_year - (YEARS - 1)


def last_full_year(today: date):
    """The most recent complete school year in the set (the reach benchmark reports on it)."""
    from familieschool.schoolyear import SchoolYear

    return SchoolYear.of(today).previous()


def generate(
    contacts_total: int = CONTACTS,
    attendance_total: int = ATTENDANCE,
    seed: int = 2024,
    *,
    schools: int = SCHOOLS,
    now: datetime | None = None,
) -> dict:
    """COPY the data set into the (empty) database; returns the row count per table."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from activiteiten.constants import EXTENDED_SCHOOL_DAY
    from activiteiten.models import (
        ActiveParentRole,
        Activity,
        ActivityFunding,
        ActivityType,
        Attendance,
        Enrolment,
        FundingSource,
        Session,
    )
    from familieschool.constants import Role
    from familieschool.models import (
        Child,
        Family,
        Parent,
        PartnerOrganisation,
        School,
        SchoolBoard,
        SchoolYearFigures,
        User,
    )
    from partners.models import Appointment, Spreekuur
    from servicepunt.models import Contact, Referral, Theme

    zone = ZoneInfo(timezone.get_current_timezone_name())
    now = (now or timezone.now()).astimezone(zone)
    today = now.date()
    first = first_year(today)
    boards = min(BOARDS, schools)
    rng = random.Random(seed)
    load = Loader(connection, now).copy
    counts = {}

    def year_days(y: int) -> list[date]:
        return school_days(first + y, until=today if y == YEARS - 1 else None)

    counts["boards"] = load(
        SchoolBoard, ["id", "name"], [(b, f"Bestuur {b}") for b in range(1, boards + 1)]
    )
    counts["schools"] = load(
        School,
        ["id", "name", "slug", "type", "board_id", "municipality", "district", "start_year"],
        [
            (
                s,
                f"School {s:02d}",
                f"school-{s:02d}",
                _school_type(s),
                (s - 1) % boards + 1,
                _municipality(s, schools),
                DISTRICTS[s % len(DISTRICTS)],
                first - 2 + s % 4,
            )
            for s in range(1, schools + 1)
        ],
    )
    figures = []
    for s in range(1, schools + 1):
        for y in range(YEARS):
            if s == schools and y == YEARS - 2:
                continue  # one school without figures last year: its percentages stay empty
            figures.append((len(figures) + 1, s, f"{first + y}/{first + y + 1}", 450, 320))
    counts["year figures"] = load(
        SchoolYearFigures, ["id", "school_id", "school_year", "pupils", "families"], figures
    )
    counts["partners"] = load(
        PartnerOrganisation,
        ["id", "name", "category"],
        [(p, f"Partner {p:02d}", "overig") for p in range(1, PARTNERS + 1)],
    )

    # Users for every role: a coordinator per school, staff per partner, a project leader per
    # board and one for the whole city, and an administrator. One password hash for all.
    password = make_password(PASSWORD)
    users, user_schools = [], []

    def user(username, role, first_name, **links):
        users.append(
            (
                len(users) + 1,
                username,
                password,
                role,
                first_name,
                links.get("organisation"),
                links.get("board"),
                links.get("municipality", ""),
                role == Role.ADMINISTRATOR,
                role == Role.ADMINISTRATOR,
            )
        )
        return len(users)

    for s in range(1, schools + 1):
        u = user(f"coordinator{s:02d}", Role.COORDINATOR, f"Coördinator {s:02d}")
        user_schools.append((len(user_schools) + 1, u, s))
    for p in range(1, PARTNERS + 1):
        user(f"partner{p:02d}", Role.PARTNER, f"Partner {p:02d}", organisation=p)
    user("projectleider", Role.PROJECT_LEADER, "Projectleider")
    for b in range(1, boards + 1):
        user(f"projectleider-bestuur{b}", Role.PROJECT_LEADER, f"Bestuur {b}", board=b)
    user("projectleider-utrecht", Role.PROJECT_LEADER, "Gemeente", municipality="Utrecht")
    user("beheerder", Role.ADMINISTRATOR, "Beheerder")
    counts["users"] = load(
        User,
        [
            "id",
            "username",
            "password",
            "role",
            "first_name",
            "organisation_id",
            "board_id",
            "municipality",
            "is_staff",
            "is_superuser",
        ],
        users,
    )
    load(User.schools.through, ["id", "user_id", "school_id"], user_schools)

    # Families, parents and children of each school.
    families, parents, children = [], [], []
    school_families: dict[int, list[int]] = {}
    family_parents: dict[int, list[int]] = {}
    family_children: dict[int, list[int]] = {}
    for s in range(1, schools + 1):
        school_families[s] = []
        for n in range(FAMILIES_PER_SCHOOL):
            f = len(families) + 1
            families.append((f, s, f"F{n:04d}"))
            school_families[s].append(f)
            family_parents[f] = []
            for _ in range(rng.choice((1, 1, 2))):
                parents.append(
                    (len(parents) + 1, f, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
                )
                family_parents[f].append(len(parents))
            family_children[f] = []
            for _ in range(rng.choice((1, 2, 2, 3))):
                children.append((len(children) + 1, f, "g5", rng.choice(FIRST_NAMES)))
                family_children[f].append(len(children))
    counts["families"] = load(Family, ["id", "school_id", "code"], families)
    counts["parents"] = load(Parent, ["id", "family_id", "first_name", "last_name"], parents)
    counts["children"] = load(Child, ["id", "family_id", "group", "first_name"], children)
    school_parents = {
        s: [p for f in fams for p in family_parents[f]] for s, fams in school_families.items()
    }
    school_children = {
        s: [c for f in fams for c in family_children[f]] for s, fams in school_families.items()
    }

    themes = list(Theme.objects.values_list("id", flat=True))
    types = dict(ActivityType.objects.values_list("code", "id"))

    # Contacts in time order, as they are registered; a third anonymous. The current year has
    # its share of the days that have passed.
    per_year = contacts_total // YEARS
    contacts, contact_themes, referrals = [], [], []
    statuses = ["aangemeld", "in_behandeling", "afgerond", "afgerond", "niet_bereikt"]
    for y in range(YEARS):
        days = year_days(y)
        share = len(days) / len(school_days(first + y))
        # Around the 31 July / 1 August boundary as well: late evening on the last day.
        stamps = sorted(
            datetime.combine(rng.choice(days), datetime.min.time(), tzinfo=zone)
            + timedelta(minutes=rng.randrange(8 * 60, 23 * 60 + 59))
            for _ in range(round(per_year * share))
        )
        for stamp in stamps:
            c = len(contacts) + 1
            s = rng.randrange(1, schools + 1)
            family = parent = None
            if rng.random() >= 0.33:
                family = rng.choice(school_families[s])
                if rng.random() < 0.7:
                    parent = rng.choice(family_parents[family])
            contacts.append((c, s, stamp, family, parent))
            for theme in rng.sample(themes, rng.choice((1, 1, 1, 2, 2, 3))):
                contact_themes.append((len(contact_themes) + 1, c, theme, s))
            if family and rng.random() < 0.1:
                referrals.append(
                    (
                        len(referrals) + 1,
                        c,
                        s,
                        family,
                        parent,
                        rng.randrange(1, PARTNERS + 1),
                        "ouder",
                        "verbal",
                        stamp.date(),
                        rng.choice(statuses),
                        stamp,
                    )
                )
    counts["contacts"] = load(
        Contact, ["id", "school_id", "occurred_at", "family_id", "parent_id"], contacts
    )
    counts["contact themes"] = load(
        Contact.themes.through, ["id", "contact_id", "theme_id", "school_id"], contact_themes
    )
    counts["referrals"] = load(
        Referral,
        [
            "id",
            "contact_id",
            "school_id",
            "family_id",
            "parent_id",
            "partner_id",
            "consent_given_by",
            "consent_method",
            "consent_date",
            "status",
            "status_changed_at",
        ],
        referrals,
    )
    del contacts, contact_themes, referrals

    # Spreekuren with appointments; most attended; the rest of this year planned.
    spreekuren, appointments = [], []
    for s in range(1, schools + 1):
        for _ in range(SPREEKUREN_PER_SCHOOL):
            k = len(spreekuren) + 1
            weekday = rng.randrange(5)
            spreekuren.append(
                (k, weekday, "09:00", "12:00", date(first, 8, 1), rng.randrange(1, 13), s)
            )
            for y in range(YEARS):
                for day in school_days(first + y):
                    if day.weekday() != weekday:
                        continue
                    for slot in range(rng.randrange(0, 5)):
                        family = rng.choice(school_families[s])
                        if day >= today:
                            status = "gepland"
                        else:
                            status = rng.choice(("verschenen", "verschenen", "niet_verschenen"))
                        appointments.append(
                            (
                                len(appointments) + 1,
                                k,
                                day,
                                f"{9 + slot // 2:02d}:{30 * (slot % 2):02d}",
                                family,
                                rng.choice(family_parents[family]),
                                status,
                            )
                        )
    counts["spreekuren"] = load(
        Spreekuur,
        ["id", "weekday", "start_time", "end_time", "valid_from", "partner_id", "school_id"],
        spreekuren,
    )
    counts["appointments"] = load(
        Appointment,
        ["id", "spreekuur_id", "date", "start_time", "family_id", "parent_id", "status"],
        appointments,
    )
    del appointments

    # Activities, weekly sessions, and a regular group of participants per activity and year;
    # the sessions of the rest of this year are planned, without attendance.
    type_codes = list(types)
    activities = []
    for s in range(1, schools + 1):
        for n in range(ACTIVITIES_PER_SCHOOL):
            code = type_codes[n % len(type_codes)]
            for_children = code in (EXTENDED_SCHOOL_DAY, "huiswerkklas")
            activities.append(
                (
                    len(activities) + 1,
                    n % 5,
                    "14:00",
                    "15:30",
                    date(first, 8, 1),
                    s,
                    types[code],
                    f"Activiteit {n}",
                    "children" if for_children else "parents",
                )
            )
    counts["activities"] = load(
        Activity,
        [
            "id",
            "weekday",
            "start_time",
            "end_time",
            "valid_from",
            "school_id",
            "type_id",
            "title",
            "target_group",
        ],
        activities,
    )
    # Every activity has a funding source; every third combines it with a second one.
    sources = list(FundingSource.objects.order_by("id").values_list("id", flat=True))
    fundings = []
    for a, *_rest in activities if sources else []:
        fundings.append((len(fundings) + 1, a, sources[a % len(sources)]))
        if a % 3 == 0 and len(sources) > 1:
            fundings.append((len(fundings) + 1, a, sources[(a + 1) % len(sources)]))
    counts["activity fundings"] = load(
        ActivityFunding, ["id", "activity_id", "source_id"], fundings
    )
    sessions, session_people = [], []
    for a, weekday, *_rest, s, _type, _title, target in activities:
        for y in range(YEARS):
            pool_source = school_children[s] if target == "children" else school_parents[s]
            pool = rng.sample(pool_source, min(60, len(pool_source)))
            for day in school_days(first + y):
                if day.weekday() != weekday:
                    continue
                cancelled = rng.random() < 0.03
                held = day <= today
                sessions.append(
                    (len(sessions) + 1, a, day, rng.randrange(0, 6) if held else 0, cancelled)
                )
                if held:
                    session_people.append((len(sessions), target, pool))
    counts["sessions"] = load(
        Session, ["id", "activity_id", "date", "anonymous_count", "cancelled"], sessions
    )
    # The same mean per held session as five full years of ``attendance_total`` would give.
    full_sessions = sum(
        1
        for a in activities
        for y in range(YEARS)
        for day in school_days(first + y)
        if day.weekday() == a[1]
    )
    mean = attendance_total / max(1, full_sessions)

    def attendance_rows():
        n = 0
        for session, target, pool in session_people:
            size = max(1, min(len(pool), int(rng.gauss(mean, mean / 4))))
            for person in rng.sample(pool, size):
                n += 1
                if target == "children":
                    yield (n, session, None, person)
                else:
                    yield (n, session, person, None)

    counts["attendance"] = load(
        Attendance, ["id", "session_id", "parent_id", "child_id"], attendance_rows()
    )

    enrolments = []
    for a, *_rest, s, type_id, _title, _target in activities:
        if type_id == types[EXTENDED_SCHOOL_DAY]:
            pool = school_children[s]
            for child in rng.sample(pool, min(40, len(pool))):
                status = rng.choice(("enrolled", "enrolled", "waiting", "withdrawn"))
                enrolments.append((len(enrolments) + 1, a, child, status))
    counts["enrolments"] = load(Enrolment, ["id", "activity_id", "child_id", "status"], enrolments)
    roles = []
    for y in range(YEARS):
        label = f"{first + y}/{first + y + 1}"
        for s in range(1, schools + 1):
            pool = school_parents[s]
            for parent in rng.sample(pool, min(70, len(pool))):
                roles.append((len(roles) + 1, parent, label, "klassenouder"))
    counts["active roles"] = load(
        ActiveParentRole, ["id", "parent_id", "school_year", "role"], roles
    )

    with connection.cursor() as cursor:
        for model in (
            SchoolBoard,
            School,
            SchoolYearFigures,
            PartnerOrganisation,
            User,
            User.schools.through,
            Family,
            Parent,
            Child,
            Contact,
            Contact.themes.through,
            Referral,
            Spreekuur,
            Appointment,
            Activity,
            ActivityFunding,
            Session,
            Attendance,
            Enrolment,
            ActiveParentRole,
        ):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
    return counts
