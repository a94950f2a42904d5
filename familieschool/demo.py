"""Demo data for `python manage.py seed_demo`: the four Overvecht schools of seed 001.

The core creates the board, schools, partners, families and one user per role; then each app
whose ``plugins.py`` registers a ``seed(ctx)`` in ``registry.demo_seeders`` adds its own
records. Every step is idempotent.
"""

import random
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.text import slugify

from .constants import (
    ChildGroup,
    HolidayRegion,
    Language,
    ParentRelation,
    PartnerCategory,
    Role,
    SchoolType,
)
from .models import (
    Child,
    Family,
    Parent,
    PartnerOrganisation,
    School,
    SchoolBoard,
    SchoolYearFigures,
    User,
)
from .schoolyear import SchoolYear
from .selectors import family_code_prefix

# The two OBO schools are public schools of one board; De Schakel and Joannes XXIII belong to
# another (seed 001).
PUBLIC_BOARD = "Stichting Openbaar Onderwijs Overvecht"
OTHER_BOARD = "Stichting Katholiek en Christelijk Onderwijs Overvecht"
# Seed 001: pupils / families per school, what it calls its servicepunt, its board.
SCHOOLS = [
    ("De Schakel", 252, 163, "Schakelloket", OTHER_BOARD),
    ("Joannes XXIII", 173, 136, "Ouderservicepunt", OTHER_BOARD),
    ("OBO De Klopvaart", 146, 97, "Familieservicepunt", PUBLIC_BOARD),
    ("OBO Spoorzicht", 179, 107, "Familieloket", PUBLIC_BOARD),
]
# Seed 001: the pilot started in school year 22/23 at four schools; Spoorzicht later replaced
# De Watertoren.
START_YEARS = {"OBO Spoorzicht": 2023}
PILOT_START = 2022
# Share of a primary school's pupils per groep column (groep 1-2 are two years).
GROUP_SHARES = {"pupils_group_1_2": 0.25, **{f"pupils_group_{n}": 0.125 for n in range(3, 9)}}
PARTNERS = [
    ("Buurtteam Jeugd & Gezin", PartnerCategory.PARENTING_LIVELIHOOD, "Sanne de Vries"),
    ("Werkwinkel", PartnerCategory.PARENTING_LIVELIHOOD, "Ahmed Bouzid"),
    ("Stichting Al Amal", PartnerCategory.PARENTING_LIVELIHOOD, "Samira Haddou"),
    ("Dock", PartnerCategory.PARENTING_LIVELIHOOD, "Peter Jansen"),
    ("JoU", PartnerCategory.TALENT_SPORT, "Kim Bakker"),
]
FIRST_NAMES = [
    "Fatima",
    "Mohamed",
    "Aisha",
    "Youssef",
    "Sanne",
    "Daan",
    "Emine",
    "Mehmet",
    "Nadia",
    "Hamza",
    "Lotte",
    "Ilse",
    "Sara",
    "Omar",
    "Hanna",
    "Yara",
    "Bilal",
    "Zeynep",
    "Ayoub",
    "Noor",
    "Rachid",
    "Meryem",
    "Kevin",
    "Priya",
    "Olena",
    "Marta",
    "Abdi",
    "Hodan",
]
LAST_NAMES = [
    "El Amrani",
    "Yilmaz",
    "de Jong",
    "Bakker",
    "Bouzid",
    "Kaya",
    "Visser",
    "Haddou",
    "Öztürk",
    "Mohamed",
    "Jansen",
    "Ahmadi",
    "Kowalski",
    "Hassan",
    "Smit",
    "Aydın",
]
LANGUAGE_MIX = [
    (Language.DUTCH, "Nederlands"),
    (Language.ARABIC, "Arabisch, Nederlands"),
    (Language.TURKISH, "Turks, Nederlands"),
    (Language.BERBER, "Tamazight, Arabisch"),
    (Language.ENGLISH, "Engels"),
    (Language.POLISH, "Pools"),
    (Language.SOMALI, "Somalisch"),
]
DEMO_PASSWORD = "familieschool-demo"
DEMO_USERS = [
    ("coordinator", Role.COORDINATOR, "Marieke", "Coördinator"),
    ("partner", Role.PARTNER, "Ahmed", "Werkwinkel"),
    ("projectleider", Role.PROJECT_LEADER, "Linda", "Projectleider"),
    ("beheerder", Role.ADMINISTRATOR, "Bram", "Beheerder"),
]


@dataclass
class DemoContext:
    board: SchoolBoard
    schools: list[School]
    partners: dict[str, PartnerOrganisation]
    families: list[Family]
    users: dict[Role, User]
    school_year: SchoolYear
    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(2024))


def _name_relations(families: list[Family]) -> None:
    """Parents of earlier demo data had no relation: the first is the mother, then the father."""
    unnamed = list(Parent.objects.filter(family__in=families, relation="").order_by("family", "id"))
    seen = set()
    for parent in unnamed:
        parent.relation = (
            ParentRelation.FATHER if parent.family_id in seen else ParentRelation.MOTHER
        )
        seen.add(parent.family_id)
    Parent.objects.bulk_update(unnamed, ["relation"])


def _school_year_and_today() -> tuple[SchoolYear, date]:
    from django.utils import timezone

    today = timezone.localdate()
    return SchoolYear.of(today), today


@transaction.atomic
def seed_core(families_per_school: int = 80) -> DemoContext:
    """Board, schools with their figures, partners, families and the demo users."""
    school_year, today = _school_year_and_today()
    rng = random.Random(2024)
    boards = {
        name: SchoolBoard.objects.get_or_create(name=name)[0]
        for name in (PUBLIC_BOARD, OTHER_BOARD)
    }
    schools = []
    for name, pupils, family_count, servicepunt_name, board_name in SCHOOLS:
        school, _ = School.objects.get_or_create(
            name=name,
            defaults={
                "slug": slugify(name),
                "type": SchoolType.PO,
                "board": boards[board_name],
                "municipality": "Utrecht",
                "district": "Overvecht",
                "servicepunt_name": servicepunt_name,
                "holiday_region": HolidayRegion.MIDDLE,
                "start_year": START_YEARS.get(name, PILOT_START),
            },
        )
        if school.start_year is None:
            school.start_year = START_YEARS.get(name, PILOT_START)
            school.save(update_fields=["start_year"])
        # Earlier demo data had one board for all four and the Schakelloket at De Klopvaart.
        if (school.board_id, school.servicepunt_name) != (boards[board_name].pk, servicepunt_name):
            school.board = boards[board_name]
            school.servicepunt_name = servicepunt_name
            school.save(update_fields=["board", "servicepunt_name"])
        for offset, year in enumerate((school_year.previous(), school_year)):
            # Last year had a few pupils fewer, so the comparison shows a change.
            year_pupils = pupils - 6 * (1 - offset)
            figures, _ = SchoolYearFigures.objects.get_or_create(
                school=school,
                school_year=year.label,
                defaults={"pupils": year_pupils, "families": family_count - 3 * (1 - offset)},
            )
            if figures.pupils_group_3 is None:
                for field_name, share in GROUP_SHARES.items():
                    setattr(figures, field_name, int(figures.pupils * share))
                figures.save()
        schools.append(school)
    board = boards[PUBLIC_BOARD]
    partners = {}
    for name, category, contact in PARTNERS:
        partners[name], _ = PartnerOrganisation.objects.get_or_create(
            name=name, defaults={"category": category, "contact_person": contact}
        )

    families = []
    for school in schools:
        prefix = family_code_prefix(school)
        for number in range(1, families_per_school + 1):
            code = f"{prefix}{number:03d}"
            family, created = Family.objects.get_or_create(school=school, code=code)
            if created:
                language, languages = rng.choice(LANGUAGE_MIX)
                family.languages = languages
                family.interpreter_needed = language not in (Language.DUTCH, Language.ENGLISH) and (
                    rng.random() < 0.3
                )
                family.save()
                for relation in (ParentRelation.MOTHER, ParentRelation.FATHER)[
                    : rng.choice((1, 1, 2))
                ]:
                    Parent.objects.create(
                        family=family,
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(LAST_NAMES),
                        relation=relation,
                        phone=f"06{rng.randrange(10**7, 10**8)}",
                        preferred_language=language,
                    )
                for _ in range(rng.choice((1, 2, 2, 3))):
                    group = rng.choice(ChildGroup.values[:8])
                    Child.objects.create(
                        family=family,
                        first_name=rng.choice(FIRST_NAMES),
                        group=group,
                        group_year=school_year.start_year,
                        # A child in groep 1 turns 4 or 5 that school year.
                        birth_year=school_year.start_year - 4 - ChildGroup.values.index(group),
                    )
            families.append(family)
    _name_relations(families)

    users = {}
    for username, role, first_name, last_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "first_name": first_name, "last_name": last_name},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if role == Role.PARTNER:
                user.organisation = partners["Werkwinkel"]
            if role == Role.ADMINISTRATOR:
                user.is_staff = user.is_superuser = True
            user.save()
            if role == Role.COORDINATOR:
                user.schools.set(schools[:2])
        users[role] = user
    return DemoContext(
        board=board,
        schools=schools,
        partners=partners,
        families=families,
        users=users,
        school_year=school_year,
        today=today,
        rng=rng,
    )
