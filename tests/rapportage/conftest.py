"""A small hand-made world for the reach figures, described as plain lists, and an oracle that
computes the expected figures from those lists with Python sets (not with the report code).

Schools A (De Schakel) and B (OBO Spoorzicht) belong to board X, school C to board Y; C has no
pupil or family counts. The lists hold the cases the issue names: anonymous contacts, contacts
with several themes, families reached by several routes (a3: appointment and attendance; a1:
contact and attendance), a parent of B at an activity of A, a contact at 31 July 23:30 and one
at 1 August 00:15 local time, a cancelled session, a waiting-list enrolment, and active roles of
two parents of one family. For the partner figures: a1p1 is referred to P and comes to P's
appointment (one parent for P), a3p1 misses an appointment with O at A and comes to one with O
at B (counted at her own school A), an appointment and a cancelled consultation hour on the
last day of the year and the first of the next. Every school and partner holds a weekly Monday
consultation hour from 1 August 2024; two more have other schedules (every other week, valid
until a date) and the region has school holidays besides the public ones. Contacts have
languages (some unrecorded) and interpreters, an anonymous one among them; attendance marks some
parents' first time.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest

from familieschool.models import SchoolHoliday, SchoolYearFigures, current_school_year_start
from partners.models import SpreekuurCancellation
from tests.activiteiten.factories import (
    ActiveParentRoleFactory,
    ActivityFactory,
    ActivityFundingFactory,
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
    activity_type,
    funding_source,
)
from tests.familieschool.factories import (
    ChildFactory,
    FamilyFactory,
    ParentFactory,
    SchoolBoardFactory,
    SchoolFactory,
)
from tests.partners.factories import AppointmentFactory, SpreekuurFactory
from tests.servicepunt.factories import (
    ContactFactory,
    ProvisionFactory,
    ReferralFactory,
    default_contact_sources,
    default_provision_kinds,
    default_themes,
)

ZONE = ZoneInfo("Europe/Amsterdam")
# The school year a child entered without a recorded year was entered in (the default).
CURRENT_YEAR = current_school_year_start()


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE)


FAMILIES = {
    # family: (school, parents, children)
    "a1": ("A", ["a1p1", "a1p2"], ["a1c1"]),
    "a2": ("A", ["a2p1"], ["a2c1"]),
    "a3": ("A", ["a3p1"], ["a3c1", "a3c2"]),
    "a4": ("A", ["a4p1"], []),
    "b1": ("B", ["b1p1"], ["b1c1"]),
    "b2": ("B", ["b2p1"], []),
    "c1": ("C", ["c1p1"], []),
}
CONTACTS = [
    # (school, when, family, parent, themes, referral (partner, status) or None)
    ("A", local(2024, 9, 10, 10), "a1", "a1p1", ["geldzaken", "wonen"], ("P", "afgerond")),
    ("A", local(2024, 10, 1, 9), None, None, ["geldzaken"], None),
    ("A", local(2025, 7, 31, 23, 30), None, None, ["taal"], None),
    ("A", local(2025, 8, 1, 0, 15), "a2", None, ["werk"], None),
    ("A", local(2024, 7, 31, 23, 59), "a1", "a1p2", ["opvoeding"], ("P", "aangemeld")),
    ("B", local(2025, 1, 15, 14), "b1", "b1p1", ["geldzaken"], ("O", "aangemeld")),
    ("C", local(2025, 3, 1, 11), None, None, ["overig"], None),
]
# Language and interpreter of the contacts above, by index; the others have none recorded.
CONTACT_LANGUAGES = {0: ("ar", True), 1: ("tr", True), 3: ("nl", True), 5: ("nl", False)}
# Who brought the family ("aangemeld door"), by contact index; the others have none recorded.
CONTACT_SOURCES = {0: "leerkracht", 1: "ouder", 5: "leerkracht"}
# Parents recorded as fathers (a1p2 is reached only in 2023/2024).
FATHERS = {"a1p2", "b1p1", "a3p1"}
PROVISIONS = [
    # (family, kind, status, date): a1 twice (one family), a4 on the first day of 2025/2026.
    ("a1", "boodschappentas", "verstrekt", date(2024, 9, 1)),
    ("a1", "boodschappentas", "verstrekt", date(2025, 1, 1)),
    ("a2", "boodschappentas", "aangevraagd", date(2024, 10, 1)),
    ("a2", "jeugdfonds", "toegekend", date(2025, 7, 31)),
    ("b2", "boodschappenkaart", "afgewezen", date(2024, 8, 1)),
    ("a4", "boodschappentas", "verstrekt", date(2025, 8, 1)),
]
APPOINTMENTS = [
    # (school of the spreekuur, date, family, parent, status, partner)
    ("A", date(2025, 2, 3), "a3", "a3p1", "verschenen", "P"),
    ("A", date(2025, 2, 10), "a2", "a2p1", "niet_verschenen", "P"),
    ("B", date(2024, 6, 3), "b2", "b2p1", "verschenen", "P"),
    ("A", date(2025, 3, 3), "a1", "a1p1", "verschenen", "P"),
    ("A", date(2025, 4, 7), "a3", "a3p1", "niet_verschenen", "O"),
    ("B", date(2025, 5, 5), "a3", "a3p1", "verschenen", "O"),
    ("A", date(2025, 7, 31), "a3", "a3p1", "verschenen", "P"),
    ("A", date(2025, 8, 1), "a2", "a2p1", "verschenen", "P"),
    ("A", date(2025, 6, 2), "a4", "a4p1", "gepland", "P"),
]
CANCELLATIONS = [
    # (school, partner, date)
    ("A", "P", date(2025, 1, 6)),
    ("A", "O", date(2025, 8, 4)),
    ("A", "O", date(2025, 7, 28)),
    ("B", "P", date(2024, 12, 2)),
]
# Consultation hours besides the weekly Monday one of every school and partner (from 1 August
# 2024, without end): (school, partner, weekday, recurrence, valid from, valid until, cancelled).
EXTRA_SPREEKUREN = [
    # Every other Wednesday counted from the week of Thursday 5 September 2024 (Wednesday the
    # 4th keeps the weeks in step but is before valid from), until Wednesday 19 February 2025
    # included. 16 October is cancelled; 9 October is cancelled but is an off week anyway.
    ("B", "O", 2, "biweekly", date(2024, 9, 5), date(2025, 2, 19), [date(2024, 10, 16)]),
    ("B", "O", 2, "biweekly", date(2024, 9, 5), date(2025, 2, 19), [date(2024, 10, 9)]),
    # Weekly on Tuesday from 1 to 29 October 2024, both included; the 22nd is in the holidays.
    ("C", "P", 1, "weekly", date(2024, 10, 1), date(2024, 10, 29), []),
]
# The school holidays of the middle region (the schools' region): (name, first, last day).
SCHOOL_HOLIDAYS = [
    ("Herfstvakantie", date(2024, 10, 19), date(2024, 10, 27)),
    ("Kerstvakantie", date(2024, 12, 21), date(2025, 1, 5)),
]
# Dutch public holidays on a weekday, written out here rather than taken from the calendar.
PUBLIC_HOLIDAYS = {
    date(2024, 1, 1), date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 9), date(2024, 5, 20),
    date(2024, 12, 25), date(2024, 12, 26), date(2025, 1, 1), date(2025, 4, 18),
    date(2025, 4, 21), date(2025, 5, 5), date(2025, 5, 29), date(2025, 6, 9), date(2025, 12, 25),
    date(2025, 12, 26), date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 4, 27),
    date(2026, 5, 14), date(2026, 5, 25), date(2026, 12, 25), date(2027, 1, 1),
    date(2027, 3, 26), date(2027, 3, 29), date(2027, 4, 27), date(2027, 5, 6), date(2027, 5, 17),
}  # fmt: skip
# (activity, session date, person) whose attendance is marked as their first time.
FIRST_TIME = {
    ("koffie A", date(2024, 11, 5), "a1p1"),
    ("koffie A", date(2024, 11, 5), "b1p1"),
    ("koffie B", date(2024, 7, 2), "b2p1"),
}
ACTIVITIES = {
    # activity: (school, type code)
    "koffie A": ("A", "koffieochtend"),
    "vsd A": ("A", "verlengde_schooldag"),
    "koffie B": ("B", "koffieochtend"),
    # Its one session is cancelled: it is not in the offer (aanbod_per_bouwsteen).
    "excursie B": ("B", "excursie"),
}
# Activities of a type offered without sessions (aanbod_per_bouwsteen), without a target group
# of their own (their type's): (school, type code, valid from, valid until). ouderkamer A runs to
# the last day of 2024/2025, startgesprek C from the first day of 2025/2026.
WITHOUT_SESSIONS = {
    "ouderkamer A": ("A", "ouderkamer", date(2024, 9, 2), date(2025, 7, 31)),
    "startgesprek C": ("C", "startgesprek", date(2025, 8, 1), None),
}
# The building block and target group of the types above, as migration 0006 seeds them.
TYPE_OFFER = {
    "koffieochtend": ("ouders_als_partner", "parents"),
    "verlengde_schooldag": ("rijke_dag", "children"),
    "excursie": ("rijke_dag", "children"),
    "ouderkamer": ("ouders_als_partner", "parents"),
    "startgesprek": ("ouders_als_partner", "parents"),
}
# The funding sources of the activities: koffie A has two and counts under both.
FUNDING = {
    "koffie A": ["School en Omgeving", "Fondsen"],
    "vsd A": ["Verrijkte Schooldag"],
    "koffie B": ["Fondsen"],
}
# The target group of the activities that are (also) for children; the others are for parents.
FOR_CHILDREN = {"vsd A": "children", "koffie B": "both"}
SESSIONS = [
    # (activity, date, anonymous headcount, cancelled, named people)
    ("koffie A", date(2024, 11, 5), 3, False, ["a1p1", "a2p1", "b1p1"]),
    ("koffie A", date(2024, 11, 12), 2, True, []),
    ("koffie A", date(2025, 5, 6), 0, False, ["a1p1"]),
    ("vsd A", date(2025, 3, 3), 0, False, ["a3c1"]),
    ("koffie B", date(2024, 7, 2), 4, False, ["b2p1"]),
    ("excursie B", date(2025, 2, 4), 0, True, []),
]
# The groepen a children's programme is meant for (kinderen_per_programma), and each child's
# groep as recorded (groep, in the school year starting in): a1c1 is in groep 5 in 2024/2025,
# a3c1 in groep 4 then although groep 5 now (a child's groep moves on every 1 August). The
# others were entered in the current school year, in groep 5 (the factory's default).
PROGRAMME_GROUPS = {"vsd A": ["g5", "g6", "g7", "g8"]}
CHILD_GROUPS = {"a1c1": ("g6", 2025), "a3c1": ("g5", 2025)}
# Pupils per groep of the year figures (school A in 2024/2025 only: elsewhere not known).
PUPILS_PER_GROUP = {("A", "2024/2025"): {"g5": 26, "g6": 25, "g7": 24, "g8": 25}}
ENROLMENTS = [
    # (activity, child, status, requested on)
    ("vsd A", "a1c1", "enrolled", local(2024, 9, 2, 12)),
    ("vsd A", "a3c2", "waiting", local(2024, 9, 2, 12)),
    ("vsd A", "a2c1", "enrolled", local(2025, 9, 1, 12)),
    # A child enrolled in an activity for parents and children: a programme, not the vsd.
    ("koffie B", "b1c1", "enrolled", local(2024, 9, 2, 12)),
]
ACTIVE_ROLES = [
    # (parent, school year)
    ("a1p1", "2024/2025"),
    ("a1p2", "2024/2025"),
    ("a2p1", "2024/2025"),
    ("b2p1", "2023/2024"),
]
YEAR_FIGURES = {
    # (school, year): (pupils, families)
    ("A", "2024/2025"): (200, 140),
    ("B", "2024/2025"): (100, 80),
    ("A", "2023/2024"): (190, 135),
}
BOARDS = {"A": "X", "B": "X", "C": "Y"}


@dataclass
class ReachWorld:
    schools: dict = field(default_factory=dict)
    boards: dict = field(default_factory=dict)
    families: dict = field(default_factory=dict)
    parents: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)
    partners: dict = field(default_factory=dict)
    activities: dict = field(default_factory=dict)

    def name(self, letter: str) -> str:
        return self.schools[letter].name


@pytest.fixture(autouse=True)
def _fresh_dashboard_tables():
    """Each test renders its own dashboard tables (their context is what tests read), not
    those another test with the same figures left in this process (see dashboard_tables)."""
    from rapportage.dashboard import TABLES

    TABLES.clear()
    yield
    TABLES.clear()


@pytest.fixture
def reach_world(school_a, school_b, board, partner_p, partner_o) -> ReachWorld:
    world = ReachWorld()
    other_board = SchoolBoardFactory(name="Stichting Andere Scholen")
    school_c = SchoolFactory(name="Joannes XXIII", slug="joannes", board=other_board)
    world.schools = {"A": school_a, "B": school_b, "C": school_c}
    world.boards = {"X": board, "Y": other_board}
    world.partners = {"P": partner_p, "O": partner_o}
    for code, (letter, parents, children) in FAMILIES.items():
        family = FamilyFactory(school=world.schools[letter], code=code.upper())
        world.families[code] = family
        for key in parents:
            world.parents[key] = ParentFactory(
                family=family, relation="father" if key in FATHERS else "mother"
            )
        for key in children:
            group, since = CHILD_GROUPS.get(key, (None, None))
            extra = {"group": group, "group_year": since} if group else {}
            world.children[key] = ChildFactory(family=family, **extra)
    seeded_themes = default_themes()
    sources = default_contact_sources()
    kinds = default_provision_kinds()
    for family, kind, status, day in PROVISIONS:
        ProvisionFactory(
            family=world.families[family], kind=kinds[kind], status=status, occurred_on=day
        )
    for index, (letter, when, family, parent, themes, referral) in enumerate(CONTACTS):
        language, interpreter = CONTACT_LANGUAGES.get(index, ("", False))
        contact = ContactFactory(
            source=sources.get(CONTACT_SOURCES.get(index)),
            language=language,
            interpreter=interpreter,
            school=world.schools[letter],
            occurred_at=when,
            family=world.families.get(family),
            parent=world.parents.get(parent),
            themes=[seeded_themes[code] for code in themes],
        )
        if referral:
            partner, status = referral
            ReferralFactory(contact=contact, partner=world.partners[partner], status=status)
    spreekuren = {
        (letter, partner): SpreekuurFactory(school=school, partner=world.partners[partner])
        for letter, school in world.schools.items()
        for partner in "PO"
    }
    for letter, day, family, parent, status, partner in APPOINTMENTS:
        AppointmentFactory(
            spreekuur=spreekuren[(letter, partner)],
            date=day,
            family=world.families[family],
            parent=world.parents[parent],
            status=status,
        )
    for letter, partner, day in CANCELLATIONS:
        SpreekuurCancellation.objects.create(
            spreekuur=spreekuren[(letter, partner)], date=day, reason="Ziek"
        )
    for letter, partner, weekday, recurrence, valid_from, valid_until, off in EXTRA_SPREEKUREN:
        spreekuur = SpreekuurFactory(
            school=world.schools[letter],
            partner=world.partners[partner],
            weekday=weekday,
            recurrence=recurrence,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        for day in off:
            SpreekuurCancellation.objects.create(spreekuur=spreekuur, date=day, reason="Ziek")
    for name, first_day, last_day in SCHOOL_HOLIDAYS:
        SchoolHoliday.objects.create(region="midden", name=name, start=first_day, end=last_day)
    for key, (letter, code) in ACTIVITIES.items():
        world.activities[key] = ActivityFactory(
            school=world.schools[letter],
            type=activity_type(code),
            target_group=FOR_CHILDREN.get(key, "parents"),
            title=key,
            groups=PROGRAMME_GROUPS.get(key, []),
        )
    for key, (letter, code, valid_from, valid_until) in WITHOUT_SESSIONS.items():
        world.activities[key] = ActivityFactory(
            school=world.schools[letter],
            type=activity_type(code),
            target_group="",
            title=key,
            valid_from=valid_from,
            valid_until=valid_until,
        )
    for key, names in FUNDING.items():
        for name in names:
            ActivityFundingFactory(activity=world.activities[key], source=funding_source(name))
    for key, day, anonymous, cancelled, people in SESSIONS:
        session = SessionFactory(
            activity=world.activities[key],
            date=day,
            anonymous_count=anonymous,
            cancelled=cancelled,
        )
        for person in people:
            AttendanceFactory(
                session=session,
                parent=world.parents.get(person),
                child=world.children.get(person),
                first_time=(key, day, person) in FIRST_TIME,
            )
    for key, child, status, requested in ENROLMENTS:
        enrolment = EnrolmentFactory(
            activity=world.activities[key], child=world.children[child], status=status
        )
        type(enrolment).objects.filter(pk=enrolment.pk).update(requested_at=requested)
    for parent, label in ACTIVE_ROLES:
        ActiveParentRoleFactory(parent=world.parents[parent], school_year=label)
    for (letter, label), (pupils, families) in YEAR_FIGURES.items():
        per_group = PUPILS_PER_GROUP.get((letter, label), {})
        SchoolYearFigures.objects.create(
            school=world.schools[letter],
            school_year=label,
            pupils=pupils,
            families=families,
            **{f"pupils_group_{group[1:]}": n for group, n in per_group.items()},
        )
    return world


# --- the oracle ------------------------------------------------------------------------------


def _family_of(person: str) -> str:
    return next(
        code
        for code, (_school, parents, children) in FAMILIES.items()
        if person in parents or person in children
    )


def _school_of(person_or_family: str) -> str:
    family = person_or_family if person_or_family in FAMILIES else _family_of(person_or_family)
    return FAMILIES[family][0]


def _pct(numerator: int, denominator: int | None):
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _spreekuren_held(first: date, last: date) -> dict:
    """{(school letter, partner): [dates held]} from ``first`` to ``last``, up to today: every
    day walked and tested against the schedule, the holidays and the cancelled dates."""
    closed = set(PUBLIC_HOLIDAYS)
    for _name, start, end in SCHOOL_HOLIDAYS:
        closed |= {start + timedelta(days=n) for n in range((end - start).days + 1)}
    mondays = [
        (letter, partner, 0, "weekly", date(2024, 8, 1), None, cancelled)
        for letter in "ABC"
        for partner in "PO"
        for cancelled in [[d for s, p, d in CANCELLATIONS if (s, p) == (letter, partner)]]
    ]
    schedules = mondays + EXTRA_SPREEKUREN
    today = datetime.now(ZONE).date()
    held = defaultdict(list)
    for letter, partner, weekday, recurrence, valid_from, valid_until, off in schedules:
        first_week = valid_from - timedelta(days=valid_from.weekday())
        day = first
        while day <= min(last, today):
            in_force = valid_from <= day and (valid_until is None or day <= valid_until)
            weeks = (day - first_week).days // 7
            on_week = recurrence == "weekly" or weeks % 2 == 0
            if (
                in_force
                and on_week
                and day.weekday() == weekday
                and day not in closed
                and day not in off
            ):
                held[(letter, partner)].append(day)
            day += timedelta(days=1)
    return held


def expected_figures(label: str, first: date | None = None, last: date | None = None) -> dict:
    """{(school letter, indicator, category): value} for the schools A, B and C, in the school
    year ``label`` or, with ``first`` and ``last``, in that period (pupils and families of
    ``label``, the school year of ``first``)."""
    start = int(label[:4])
    first = first or date(start, 8, 1)
    last = last or date(start + 1, 7, 31)
    touched = {
        f"{y}/{y + 1}"
        for y in range(first.year - (first.month < 8), last.year - (last.month < 8) + 1)
    }

    def _in_year(_label: str, day: date) -> bool:
        return first <= day <= last

    counts = defaultdict(int)
    families, parents, servicepunt = defaultdict(set), defaultdict(set), defaultdict(set)
    partner_names = {"P": "Werkwinkel", "O": "Buurtteam Jeugd & Gezin"}
    per_partner = defaultdict(set)
    for index, (letter, when, family, parent, themes, referral) in enumerate(CONTACTS):
        if not _in_year(label, when.astimezone(ZONE).date()):
            continue
        counts[(letter, "contacten", "")] += 1
        language, interpreter = CONTACT_LANGUAGES.get(index, ("", False))
        counts[(letter, "contacten_per_taal", language or "onbekend")] += 1
        counts[(letter, "contacten_tolk", "")] += int(interpreter)
        counts[(letter, "contacten_per_bron", CONTACT_SOURCES.get(index, "onbekend"))] += 1
        if referral and parent:
            per_partner[(_school_of(parent), partner_names[referral[0]])].add(parent)
        counts[(letter, "contacten_per_maand", when.strftime("%Y-%m"))] += 1
        if family is None:
            counts[(letter, "contacten_anoniem", "")] += 1
        else:
            families[_school_of(family)].add(family)
            servicepunt[_school_of(family)].add(family)
        if parent:
            parents[_school_of(parent)].add(parent)
        for code in themes:
            counts[(letter, "contacten_per_thema", code)] += 1
        if referral:
            partner, status = referral
            partner_name = {"P": "Werkwinkel", "O": "Buurtteam Jeugd & Gezin"}[partner]
            counts[(letter, "doorverwijzingen", partner_name)] += 1
            counts[(letter, "doorverwijzingen", "")] += 1
            if status == "afgerond":
                counts[(letter, "doorverwijzingen_afgerond", partner_name)] += 1
                counts[(letter, "doorverwijzingen_afgerond", "")] += 1
    for letter, day, family, parent, status, partner in APPOINTMENTS:
        if not _in_year(label, day):
            continue
        name = partner_names[partner]
        if status == "verschenen":
            families[_school_of(family)].add(family)
            parents[_school_of(parent)].add(parent)
            per_partner[(_school_of(parent), name)].add(parent)
            counts[(letter, "afspraken_verschenen", name)] += 1
            counts[(letter, "afspraken_verschenen", "")] += 1
        elif status == "niet_verschenen":
            counts[(letter, "afspraken_niet_verschenen", name)] += 1
            counts[(letter, "afspraken_niet_verschenen", "")] += 1
    for (home, name), people in per_partner.items():
        counts[(home, "ouders_per_partner", name)] = len(people)
    for letter, partner, day in CANCELLATIONS:
        if _in_year(label, day):
            counts[(letter, "spreekuren_geannuleerd", partner_names[partner])] += 1
            counts[(letter, "spreekuren_geannuleerd", "")] += 1
    for letter, partner, *_schedule, off in EXTRA_SPREEKUREN:
        for day in off:
            if _in_year(label, day):
                counts[(letter, "spreekuren_geannuleerd", partner_names[partner])] += 1
                counts[(letter, "spreekuren_geannuleerd", "")] += 1
    for (letter, partner), days in _spreekuren_held(first, last).items():
        counts[(letter, "spreekuren_gehouden", partner_names[partner])] += len(days)
        counts[(letter, "spreekuren_gehouden", "")] += len(days)
    at_activities, first_timers = defaultdict(set), defaultdict(set)
    given, per_status = defaultdict(set), defaultdict(set)
    for family, kind, status, day in PROVISIONS:
        if first <= day <= last:
            home = _school_of(family)
            per_status[(home, f"{kind}:{status}")].add(family)
            if status in ("toegekend", "verstrekt"):
                given[(home, kind)].add(family)
    for (home, kind), found in given.items():
        counts[(home, "gezinnen_per_voorziening", kind)] = len(found)
    for (home, category), found in per_status.items():
        counts[(home, "gezinnen_per_voorziening_status", category)] = len(found)
    unique = defaultdict(set)
    extended_day, programme = defaultdict(set), defaultdict(set)
    funded_activities, funded_people = defaultdict(set), defaultdict(set)
    for key, day, anonymous, cancelled, people in SESSIONS:
        if cancelled or not _in_year(label, day):
            continue
        letter, code = ACTIVITIES[key]
        for source in FUNDING.get(key, []):
            funded_activities[(letter, source)].add(key)
            counts[(letter, "bijeenkomsten_per_financier", source)] += 1
            counts[(letter, "deelnames_per_financier", source)] += anonymous + len(people)
            for person in people:
                funded_people[(_school_of(person), source)].add(person)
        counts[(letter, "bijeenkomsten", code)] += 1
        counts[(letter, "bijeenkomsten", "")] += 1
        counts[(letter, "deelnames", code)] += anonymous + len(people)
        counts[(letter, "deelnames", "")] += anonymous + len(people)
        for person in people:
            home = _school_of(person)
            families[home].add(_family_of(person))
            unique[(home, code)].add(person)
            if person in FAMILIES[_family_of(person)][1]:
                parents[home].add(person)
                at_activities[home].add(person)
                if (key, day, person) in FIRST_TIME:
                    first_timers[home].add(person)
            else:
                if code == "verlengde_schooldag":
                    extended_day[home].add(person)
                if key in FOR_CHILDREN:
                    programme[home].add(person)
    for (home, code), people in unique.items():
        counts[(home, "deelnemers_uniek", code)] = len(people)
    for (letter, source), keys in funded_activities.items():
        counts[(letter, "activiteiten_per_financier", source)] = len(keys)
    for (home, source), people in funded_people.items():
        counts[(home, "deelnemers_per_financier", source)] = len(people)
    for key, child, status, requested in ENROLMENTS:
        if status == "enrolled" and requested.astimezone(ZONE).date() <= last:
            if ACTIVITIES[key][1] == "verlengde_schooldag":
                extended_day[_school_of(child)].add(child)
            if key in FOR_CHILDREN:
                programme[_school_of(child)].add(child)
    active = defaultdict(set)
    for parent, year in ACTIVE_ROLES:
        if year in touched:
            active[_school_of(parent)].add(_family_of(parent))
    for letter in "ABC":
        counts[(letter, "gezinnen_bereikt", "")] = len(families[letter])
        counts[(letter, "ouders_bereikt", "")] = len(parents[letter])
        counts[(letter, "vaders_bereikt", "")] = len(parents[letter] & FATHERS)
        counts[(letter, "gezinnen_servicepunt", "")] = len(servicepunt[letter])
        counts[(letter, "gezinnen_actieve_ouder", "")] = len(active[letter])
        counts[(letter, "kinderen_verlengde_schooldag", "")] = len(extended_day[letter])
        counts[(letter, "ouders_nieuw", "")] = len(first_timers[letter])
        counts[(letter, "ouders_terugkerend", "")] = len(
            at_activities[letter] - first_timers[letter]
        )
        pupils, family_count = YEAR_FIGURES.get((letter, label), (None, None))
        counts[(letter, "leerlingen", "")] = pupils
        counts[(letter, "gezinnen", "")] = family_count
        counts[(letter, "gezinnen_servicepunt_pct", "")] = _pct(
            len(servicepunt[letter]), family_count
        )
        counts[(letter, "gezinnen_actieve_ouder_pct", "")] = _pct(len(active[letter]), family_count)
        counts[(letter, "kinderen_verlengde_schooldag_pct", "")] = _pct(
            len(extended_day[letter]), pupils
        )
        counts[(letter, "kinderen_programma", "")] = len(programme[letter])
        counts[(letter, "kinderen_programma_pct", "")] = _pct(len(programme[letter]), pupils)
    _expect_per_programme(counts, label, first, last)
    _expect_offer(counts, first, last)
    return dict(counts)


def _expect_offer(counts, first: date, last: date) -> None:
    """Per school, building block and target group (the activity's own, else its type's): the
    activities with a session held in the period, and those without sessions running in it."""
    offered = {
        key
        for key, day, _anonymous, cancelled, _people in SESSIONS
        if not cancelled and first <= day <= last
    } | {
        key
        for key, (_letter, _code, valid_from, valid_until) in WITHOUT_SESSIONS.items()
        if valid_from <= last and (valid_until is None or valid_until >= first)
    }
    for key in offered:
        letter, code = ACTIVITIES[key] if key in ACTIVITIES else WITHOUT_SESSIONS[key][:2]
        block, audience = TYPE_OFFER[code]
        if key in ACTIVITIES:
            audience = FOR_CHILDREN.get(key, "parents")
        counts[(letter, "aanbod_per_bouwsteen", f"{block}:{audience}")] += 1


def _group_in(child: str, label: str) -> str | None:
    """The child's groep in the school year ``label``: as recorded, one up per year since."""
    group, since = CHILD_GROUPS.get(child, ("g5", CURRENT_YEAR))
    number = int(group[1:]) + int(label[:4]) - since
    return f"g{number}" if 1 <= number <= 8 else None


def _expect_per_programme(counts, label: str, first: date, last: date) -> None:
    """Per programme with groepen at a school whose pupils per groep are known: those pupils,
    and the unique children of the school in those groepen enrolled in or at it."""
    for key, groups in PROGRAMME_GROUPS.items():
        letter = ACTIVITIES[key][0]
        per_group = PUPILS_PER_GROUP.get((letter, label))
        if per_group is None:
            continue
        reached = {
            child
            for activity, child, status, requested in ENROLMENTS
            if activity == key
            and status == "enrolled"
            and requested.astimezone(ZONE).date() <= last
        } | {
            person
            for activity, day, _anonymous, cancelled, people in SESSIONS
            if activity == key and not cancelled and first <= day <= last
            for person in people
            if any(person in children for _school, _parents, children in FAMILIES.values())
        }
        children = {
            child
            for child in reached
            if _school_of(child) == letter and _group_in(child, label) in groups
        }
        pupils = sum(per_group[group] for group in groups)
        counts[(letter, "leerlingen_per_programma", key)] = pupils
        counts[(letter, "kinderen_per_programma", key)] = len(children)
        counts[(letter, "kinderen_per_programma_pct", key)] = _pct(len(children), pupils)


@pytest.fixture
def oracle():
    return expected_figures
