#!/usr/bin/env python
"""Benchmark of the reach report on a large generated data set in PostgreSQL.

`make bench` runs this inside scripts/test-services.sh, which starts a throwaway PostgreSQL and
exports DATABASE_URL. The script creates the database, migrates, generates 40 schools over 5
school years with about 1,000,000 contacts and 2,000,000 attendance rows (COPY), and then times,
on the same data in the same run:

- the full-year report for all schools (``rapportage.reach.reach_rows``, totals and
  suppression included),
- a hand-written SQL query that computes the same counted figures,
- the XLSX export of that year (``rapportage.exports.reach_export``).

It checks that the report and the query agree, and prints the times and their ratio
(targets: ratio at most 1.5, report under 2 s, XLSX under 5 s). Exit status 1 when the two
disagree; the targets are reported, not enforced.
Usage: scripts/bench_reach.py [--contacts N] [--attendance N] [--runs N] [--keep]
"""

import argparse
import io
import json
import logging
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familieschool.settings")

ZONE = ZoneInfo("Europe/Amsterdam")
SCHOOLS = 40
BOARDS = 4
YEARS = 5
FIRST_YEAR = 2020
REPORT_YEAR = f"{FIRST_YEAR + YEARS - 1}/{FIRST_YEAR + YEARS}"
FAMILIES_PER_SCHOOL = 400
ACTIVITIES_PER_SCHOOL = 10
SPREEKUREN_PER_SCHOOL = 2
PARTNERS = 12


def ensure_database() -> None:
    """Create the database named in DATABASE_URL when it does not exist yet."""
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


# --- generation --------------------------------------------------------------------------


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


def school_days(year_start: int) -> list[date]:
    day, end = date(year_start, 8, 20), date(year_start + 1, 7, 10)
    days = []
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def generate(contacts_total: int, attendance_total: int, seed: int = 2024) -> dict:
    from django.db import connection

    from activiteiten.constants import EXTENDED_SCHOOL_DAY
    from activiteiten.models import (
        ActiveParentRole,
        Activity,
        ActivityType,
        Attendance,
        Enrolment,
        Session,
    )
    from familieschool.models import (
        Child,
        Family,
        Parent,
        PartnerOrganisation,
        School,
        SchoolBoard,
        SchoolYearFigures,
    )
    from partners.models import Appointment, Spreekuur
    from servicepunt.models import Contact, Referral, Theme

    rng = random.Random(seed)
    now = datetime(FIRST_YEAR + YEARS, 8, 15, 12, tzinfo=ZONE)
    load = Loader(connection, now).copy
    counts = {}

    counts["boards"] = load(
        SchoolBoard, ["id", "name"], [(b, f"Bestuur {b}") for b in range(1, BOARDS + 1)]
    )
    counts["schools"] = load(
        School,
        ["id", "name", "slug", "type", "board_id", "municipality"],
        [
            (s, f"School {s:02d}", f"school-{s:02d}", "po", (s - 1) % BOARDS + 1, "Utrecht")
            for s in range(1, SCHOOLS + 1)
        ],
    )
    figures = []
    for s in range(1, SCHOOLS + 1):
        for y in range(YEARS):
            if s == SCHOOLS and y == YEARS - 1:
                continue  # one school without figures: its percentages stay empty
            figures.append(
                (len(figures) + 1, s, f"{FIRST_YEAR + y}/{FIRST_YEAR + y + 1}", 450, 320)
            )
    counts["year figures"] = load(
        SchoolYearFigures, ["id", "school_id", "school_year", "pupils", "families"], figures
    )
    counts["partners"] = load(
        PartnerOrganisation,
        ["id", "name", "category"],
        [(p, f"Partner {p:02d}", "overig") for p in range(1, PARTNERS + 1)],
    )

    # Families, parents and children of each school.
    families, parents, children = [], [], []
    school_families: dict[int, list[int]] = {}
    family_parents: dict[int, list[int]] = {}
    family_children: dict[int, list[int]] = {}
    for s in range(1, SCHOOLS + 1):
        school_families[s] = []
        for n in range(FAMILIES_PER_SCHOOL):
            f = len(families) + 1
            families.append((f, s, f"F{n:04d}"))
            school_families[s].append(f)
            family_parents[f] = []
            for _ in range(rng.choice((1, 1, 2))):
                parents.append((len(parents) + 1, f))
                family_parents[f].append(len(parents))
            family_children[f] = []
            for _ in range(rng.choice((1, 2, 2, 3))):
                children.append((len(children) + 1, f, "g5"))
                family_children[f].append(len(children))
    counts["families"] = load(Family, ["id", "school_id", "code"], families)
    counts["parents"] = load(Parent, ["id", "family_id"], parents)
    counts["children"] = load(Child, ["id", "family_id", "group"], children)
    school_parents = {
        s: [p for f in fams for p in family_parents[f]] for s, fams in school_families.items()
    }
    school_children = {
        s: [c for f in fams for c in family_children[f]] for s, fams in school_families.items()
    }

    themes = list(Theme.objects.values_list("id", flat=True))
    types = dict(ActivityType.objects.values_list("code", "id"))

    # Contacts in time order, as they are registered; a third anonymous.
    per_year = contacts_total // YEARS
    contacts, contact_themes, referrals = [], [], []
    statuses = ["aangemeld", "in_behandeling", "afgerond", "afgerond", "niet_bereikt"]
    for y in range(YEARS):
        days = school_days(FIRST_YEAR + y)
        # Around the 31 July / 1 August boundary as well: late evening on the last day.
        stamps = sorted(
            datetime.combine(rng.choice(days), datetime.min.time(), tzinfo=ZONE)
            + timedelta(minutes=rng.randrange(8 * 60, 23 * 60 + 59))
            for _ in range(per_year)
        )
        for stamp in stamps:
            c = len(contacts) + 1
            s = rng.randrange(1, SCHOOLS + 1)
            family = parent = None
            if rng.random() >= 0.33:
                family = rng.choice(school_families[s])
                if rng.random() < 0.7:
                    parent = rng.choice(family_parents[family])
            contacts.append((c, s, stamp, family, parent))
            for theme in rng.sample(themes, rng.choice((1, 1, 1, 2, 2, 3))):
                contact_themes.append((len(contact_themes) + 1, c, theme))
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
        Contact.themes.through, ["id", "contact_id", "theme_id"], contact_themes
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

    # Spreekuren with appointments; most attended.
    spreekuren, appointments = [], []
    for s in range(1, SCHOOLS + 1):
        for _ in range(SPREEKUREN_PER_SCHOOL):
            k = len(spreekuren) + 1
            weekday = rng.randrange(5)
            spreekuren.append(
                (k, weekday, "09:00", "12:00", date(FIRST_YEAR, 8, 1), rng.randrange(1, 13), s)
            )
            for y in range(YEARS):
                for day in school_days(FIRST_YEAR + y):
                    if day.weekday() != weekday:
                        continue
                    for slot in range(rng.randrange(0, 5)):
                        family = rng.choice(school_families[s])
                        appointments.append(
                            (
                                len(appointments) + 1,
                                k,
                                day,
                                f"{9 + slot // 2:02d}:{30 * (slot % 2):02d}",
                                family,
                                rng.choice(family_parents[family]),
                                rng.choice(("verschenen", "verschenen", "niet_verschenen")),
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

    # Activities, weekly sessions, and a regular group of participants per activity and year.
    type_codes = list(types)
    activities = []
    for s in range(1, SCHOOLS + 1):
        for n in range(ACTIVITIES_PER_SCHOOL):
            code = type_codes[n % len(type_codes)]
            for_children = code in (EXTENDED_SCHOOL_DAY, "huiswerkklas")
            activities.append(
                (
                    len(activities) + 1,
                    n % 5,
                    "14:00",
                    "15:30",
                    date(FIRST_YEAR, 8, 1),
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
    sessions, session_people = [], []
    for a, weekday, *_rest, s, _type, _title, target in activities:
        for y in range(YEARS):
            pool_source = school_children[s] if target == "children" else school_parents[s]
            pool = rng.sample(pool_source, 60)
            for day in school_days(FIRST_YEAR + y):
                if day.weekday() != weekday:
                    continue
                cancelled = rng.random() < 0.03
                sessions.append((len(sessions) + 1, a, day, rng.randrange(0, 6), cancelled))
                session_people.append((len(sessions), target, pool))
    counts["sessions"] = load(
        Session, ["id", "activity_id", "date", "anonymous_count", "cancelled"], sessions
    )
    mean = attendance_total / len(session_people)

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
            for child in rng.sample(school_children[s], 40):
                status = rng.choice(("enrolled", "enrolled", "waiting", "withdrawn"))
                enrolments.append((len(enrolments) + 1, a, child, status))
    counts["enrolments"] = load(Enrolment, ["id", "activity_id", "child_id", "status"], enrolments)
    roles = []
    for y in range(YEARS):
        label = f"{FIRST_YEAR + y}/{FIRST_YEAR + y + 1}"
        for s in range(1, SCHOOLS + 1):
            for parent in rng.sample(school_parents[s], 70):
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
            Family,
            Parent,
            Child,
            Contact,
            Contact.themes.through,
            Referral,
            Spreekuur,
            Appointment,
            Activity,
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


# --- the hand-written query --------------------------------------------------------------

HAND_SQL = """
WITH
c AS MATERIALIZED (
    SELECT id, school_id, family_id, parent_id, occurred_at
    FROM servicepunt_contact
    WHERE occurred_at >= %(start)s AND occurred_at < %(end)s
),
s AS MATERIALIZED (
    SELECT se.id, a.school_id, a.type_id, se.anonymous_count
    FROM activiteiten_session se
    JOIN activiteiten_activity a ON a.id = se.activity_id
    WHERE se.date BETWEEN %(first)s AND %(last)s AND NOT se.cancelled
),
att AS MATERIALIZED (
    SELECT s.school_id, s.type_id, at.parent_id, at.child_id
    FROM activiteiten_attendance at JOIN s ON s.id = at.session_id
),
people AS MATERIALIZED (
    SELECT DISTINCT type_id, parent_id, child_id FROM att
),
ap AS MATERIALIZED (
    SELECT coalesce(ap.family_id, p.family_id) AS family_id, ap.parent_id
    FROM partners_appointment ap
    LEFT JOIN familieschool_parent p ON p.id = ap.parent_id
    WHERE ap.status = 'verschenen' AND ap.date BETWEEN %(first)s AND %(last)s
),
person_family AS (
    SELECT pe.type_id, pe.parent_id, pe.child_id, coalesce(p.family_id, ch.family_id) AS family_id
    FROM people pe
    LEFT JOIN familieschool_parent p ON p.id = pe.parent_id
    LEFT JOIN familieschool_child ch ON ch.id = pe.child_id
),
extended_day AS (
    SELECT id FROM activiteiten_activitytype WHERE code = 'verlengde_schooldag'
)
SELECT school_id, 'contacten_per_maand',
       to_char(date_trunc('month', occurred_at AT TIME ZONE %(zone)s), 'YYYY-MM'), count(*)
FROM c GROUP BY 1, 3
UNION ALL
SELECT school_id, 'contacten_anoniem', '', count(*) FROM c WHERE family_id IS NULL GROUP BY 1
UNION ALL
SELECT x.school_id, 'contacten_per_thema', t.code, x.n
FROM (
    SELECT c.school_id, ct.theme_id, count(*) AS n
    FROM servicepunt_contact c JOIN servicepunt_contact_themes ct ON ct.contact_id = c.id
    WHERE c.occurred_at >= %(start)s AND c.occurred_at < %(end)s
    GROUP BY 1, 2
) x JOIN servicepunt_theme t ON t.id = x.theme_id
UNION ALL
SELECT x.school_id, x.indicator, po.name, x.n
FROM (
    SELECT r.school_id, r.partner_id, v.indicator, count(*) AS n
    FROM servicepunt_referral r
    JOIN servicepunt_contact c ON c.id = r.contact_id
    CROSS JOIN LATERAL (
        SELECT 'doorverwijzingen' AS indicator
        UNION ALL SELECT 'doorverwijzingen_afgerond' WHERE r.status = 'afgerond'
    ) v
    WHERE c.occurred_at >= %(start)s AND c.occurred_at < %(end)s
    GROUP BY 1, 2, 3
) x JOIN familieschool_partnerorganisation po ON po.id = x.partner_id
UNION ALL
SELECT x.school_id, x.indicator, t.code, x.n
FROM (
    SELECT school_id, type_id, 'bijeenkomsten' AS indicator, count(*) AS n
    FROM s GROUP BY 1, 2
    UNION ALL
    SELECT school_id, type_id, 'deelnames', sum(n) FROM (
        SELECT school_id, type_id, anonymous_count AS n FROM s
        UNION ALL
        SELECT school_id, type_id, count(*) FROM att GROUP BY 1, 2
    ) y GROUP BY 1, 2
    UNION ALL
    SELECT f.school_id, pf.type_id, 'deelnemers_uniek', count(*)
    FROM person_family pf JOIN familieschool_family f ON f.id = pf.family_id
    GROUP BY 1, 2
) x JOIN activiteiten_activitytype t ON t.id = x.type_id
UNION ALL
SELECT f.school_id, 'gezinnen_bereikt', '', count(*)
FROM (
    SELECT family_id FROM c WHERE family_id IS NOT NULL
    UNION SELECT family_id FROM ap WHERE family_id IS NOT NULL
    UNION SELECT family_id FROM person_family
) r JOIN familieschool_family f ON f.id = r.family_id
GROUP BY 1
UNION ALL
SELECT f.school_id, 'gezinnen_servicepunt', '', count(*)
FROM (SELECT DISTINCT family_id FROM c) r JOIN familieschool_family f ON f.id = r.family_id
GROUP BY 1
UNION ALL
SELECT f.school_id, 'gezinnen_actieve_ouder', '', count(DISTINCT p.family_id)
FROM activiteiten_activeparentrole r
JOIN familieschool_parent p ON p.id = r.parent_id
JOIN familieschool_family f ON f.id = p.family_id
WHERE r.school_year = %(label)s
GROUP BY 1
UNION ALL
SELECT f.school_id, 'ouders_bereikt', '', count(*)
FROM (
    SELECT parent_id FROM c WHERE parent_id IS NOT NULL
    UNION SELECT parent_id FROM ap WHERE parent_id IS NOT NULL
    UNION SELECT parent_id FROM people WHERE parent_id IS NOT NULL
) r
JOIN familieschool_parent p ON p.id = r.parent_id
JOIN familieschool_family f ON f.id = p.family_id
GROUP BY 1
UNION ALL
SELECT f.school_id, 'kinderen_verlengde_schooldag', '', count(*)
FROM (
    SELECT child_id FROM people
    WHERE child_id IS NOT NULL AND type_id IN (SELECT id FROM extended_day)
    UNION
    SELECT e.child_id
    FROM activiteiten_enrolment e
    JOIN activiteiten_activity a ON a.id = e.activity_id
    WHERE a.type_id IN (SELECT id FROM extended_day)
      AND e.status = 'enrolled' AND e.child_id IS NOT NULL
      AND e.requested_at < %(end)s AND a.valid_from <= %(last)s
      AND (a.valid_until IS NULL OR a.valid_until >= %(first)s)
) k
JOIN familieschool_child ch ON ch.id = k.child_id
JOIN familieschool_family f ON f.id = ch.family_id
GROUP BY 1
"""


def hand_figures(label: str) -> dict:
    """The counted figures per school by the hand-written query, zeros left out."""
    from django.conf import settings
    from django.db import connection

    from familieschool.schoolyear import SchoolYear
    from rapportage.reach import year_bounds

    year = SchoolYear.parse(label)
    start, end = year_bounds(year)
    params = {
        "zone": settings.TIME_ZONE,
        "start": start,
        "end": end,
        "first": year.start,
        "last": year.end,
        "label": year.label,
    }
    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL, params)
        return {(s, ind, cat): int(v) for s, ind, cat, v in cursor.fetchall() if v}


def timed(function, runs: int) -> tuple[float, object]:
    result = function()  # warm the cache once
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def timed_pair(first, second, runs: int):
    """Median times of two functions run in turns, so both meet the same machine load."""
    results = [first(), second()]
    times: tuple[list, list] = ([], [])
    for _ in range(runs):
        for index, function in enumerate((first, second)):
            started = time.perf_counter()
            results[index] = function()
            times[index].append(time.perf_counter() - started)
    return statistics.median(times[0]), statistics.median(times[1]), results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--attendance", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--keep", action="store_true", help="Reuse the data already in the database."
    )
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    logging.getLogger("rapportage").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    from rapportage.exports import reach_export
    from rapportage.reach import build_rows, live_figures, reach_rows
    from servicepunt.models import Contact

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    if args.keep and Contact.objects.exists():
        print("reusing the data in the database")
    else:
        started = time.perf_counter()
        counts = generate(args.contacts, args.attendance)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"generated in {time.perf_counter() - started:.1f} s:")
        for name, value in counts.items():
            print(f"  {name:15} {value:>10,}")

    from familieschool.schoolyear import SchoolYear

    year = SchoolYear.parse(REPORT_YEAR)
    min_cell = 5
    report_time, sql_time, (rows, expected) = timed_pair(
        lambda: reach_rows(year, min_cell=min_cell, live=True),
        lambda: hand_figures(year.label),
        args.runs,
    )
    xlsx_time, export = timed(
        lambda: reach_export(school_year=year, fmt="xlsx", min_cell=min_cell),
        max(1, args.runs // 2),
    )

    figures = live_figures(year)
    counted = {key: value for key, value in figures.values.items() if value}
    same_figures = counted == expected
    figures.values = expected
    same_rows = build_rows(figures, min_cell) == rows
    ratio = report_time / sql_time

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"\nPostgreSQL {version}, default planner settings; median of {args.runs} runs in turns")
    print(f"full-year report {year.label}, {len(figures.schools)} schools, {len(rows)} rows")
    print(f"  report (reach_rows, min_cell={min_cell}): {report_time:7.3f} s   target < 2 s")
    print(f"  hand-written SQL:                        {sql_time:7.3f} s")
    print(f"  ratio report / SQL:                      {ratio:7.2f}     target <= 1.5")
    size = f"{len(export.content):,} bytes"
    print(f"  XLSX export ({size}):           {xlsx_time:7.3f} s   target < 5 s")
    print(f"  same counted figures: {same_figures}; same rows: {same_rows}")
    if not same_figures:
        differing = sorted(
            key for key in counted.keys() | expected.keys() if counted.get(key) != expected.get(key)
        )
        for key in differing[:20]:
            print(f"    {key}: report {counted.get(key)} SQL {expected.get(key)}")
    return 0 if same_figures and same_rows else 1


if __name__ == "__main__":
    sys.exit(main())
