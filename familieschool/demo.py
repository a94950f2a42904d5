"""Demo data for `python manage.py seed_demo`: the four Overvecht schools of seed 001.

The core creates the board, schools, partners, families and one user per role; then each app
that has a ``demo.py`` with ``seed(ctx)`` adds its own records. Every step is idempotent.
"""

import random
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.text import slugify

from .constants import ChildGroup, HolidayRegion, Language, PartnerCategory, Role, SchoolType
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

BOARD = "Stichting Openbaar en Katholiek Onderwijs Overvecht"
# Seed 001: pupils / families per school.
SCHOOLS = [
    ("De Schakel", 252, 163, "Familieservicepunt"),
    ("Joannes XXIII", 173, 136, "Ouderservicepunt"),
    ("OBO De Klopvaart", 146, 97, "Schakelloket"),
    ("OBO Spoorzicht", 179, 107, "Familieloket"),
]
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


def _school_year_and_today() -> tuple[SchoolYear, date]:
    from django.utils import timezone

    today = timezone.localdate()
    return SchoolYear.of(today), today


@transaction.atomic
def seed_core(families_per_school: int = 80) -> DemoContext:
    """Board, schools with their figures, partners, families and the demo users."""
    school_year, today = _school_year_and_today()
    rng = random.Random(2024)
    board, _ = SchoolBoard.objects.get_or_create(name=BOARD)
    schools = []
    for name, pupils, family_count, servicepunt_name in SCHOOLS:
        school, _ = School.objects.get_or_create(
            name=name,
            defaults={
                "slug": slugify(name),
                "type": SchoolType.PO,
                "board": board,
                "municipality": "Utrecht",
                "district": "Overvecht",
                "servicepunt_name": servicepunt_name,
                "holiday_region": HolidayRegion.MIDDLE,
            },
        )
        for year in (school_year.previous(), school_year):
            SchoolYearFigures.objects.get_or_create(
                school=school,
                school_year=year.label,
                defaults={"pupils": pupils, "families": family_count},
            )
        schools.append(school)
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
                for _ in range(rng.choice((1, 1, 2))):
                    Parent.objects.create(
                        family=family,
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(LAST_NAMES),
                        phone=f"06{rng.randrange(10**7, 10**8)}",
                        preferred_language=language,
                    )
                for _ in range(rng.choice((1, 2, 2, 3))):
                    Child.objects.create(
                        family=family,
                        first_name=rng.choice(FIRST_NAMES),
                        group=rng.choice(ChildGroup.values[:8]),
                    )
            families.append(family)

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
