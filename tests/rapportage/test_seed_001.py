"""Seed 001 (evaluation of the Familieschool pilot in Overvecht, §4) rebuilt for its four schools:
the export reproduces the figures the report publishes.

The report gives pupils and families per school, families given a boodschappentas or -kaart,
the share of families the servicepunt helps and with a parent in an active role, the share of
children in a children's programme (Brede School, ZIMIHC, SportUtrecht), at least 50 unique
parents per school, and more than 15 parents to the Werkwinkel in 2024. The records below are
made so that these come out; the test checks that the export counts them back.
"""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from activiteiten.models import Attendance, Enrolment, Session
from familieschool.constants import ChildGroup
from familieschool.models import Child, Family, Parent, SchoolYearFigures
from rapportage.exports import reach_export
from rapportage.reach import BOARD_PREFIX, TOTAL, Period
from servicepunt.models import Provision
from tests.activiteiten.factories import ActiveParentRoleFactory, ActivityFactory, activity_type
from tests.familieschool.factories import (
    PartnerOrganisationFactory,
    SchoolBoardFactory,
    SchoolFactory,
)
from tests.servicepunt.factories import ContactFactory, ReferralFactory, default_provision_kinds

YEAR = "2024/2025"
ZONE = ZoneInfo("Europe/Amsterdam")
OBO = "OBO Utrecht"

SCHOOLS = {
    # name: (board, pupils, families, families helped by the servicepunt, families with an
    #        active parent, children in a programme, (provision kind, families given))
    "De Schakel": ("Stichting De Schakel", 252, 163, 49, 26, 158, None),
    "Joannes XXIII": ("KSU", 173, 136, 54, 27, 0, ("boodschappenkaart", 60)),
    "OBO De Klopvaart": (OBO, 146, 97, 36, 15, 92, ("boodschappentas", 45)),
    "OBO Spoorzicht": (OBO, 179, 107, 40, 16, 111, ("boodschappentas", 23)),
}
# Joannes XXIII's pupils per groep (173 together), for its programmes' shares: WOW academie
# for groep 5-8 (40%: 36 of 89) and the huiswerkklas for groep 7-8 (70%: 31 of 44).
JOANNES_GROUPS = {"g1": 40, "g3": 22, "g4": 22, "g5": 23, "g6": 22, "g7": 22, "g8": 22}
PROGRAMMES = {
    # school: [(title, type, groups, children enrolled from those groups)]
    "Joannes XXIII": [
        ("WOW academie", "verlengde_schooldag", ["g5", "g6", "g7", "g8"], 36),
        ("Huiswerkklas", "huiswerkklas", ["g7", "g8"], 31),
    ],
    # De Schakel has no pupils per groep: no share for its module.
    "De Schakel": [("Durf te dromen", "verlengde_schooldag", ["g5", "g6", "g7", "g8"], 20)],
}
# Parents at the coffee morning (with the servicepunt's, at least 50 unique parents a school).
COFFEE = 60
# Parents referred to the Werkwinkel in November 2024, per school: 16 in the calendar year.
WERKWINKEL = 4


def _moment(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE)


def _build_school(name, board, pupils, families, helped, active, in_programme, provision, ww):
    school = SchoolFactory(name=name, board=board)
    per_group = JOANNES_GROUPS if name == "Joannes XXIII" else {}
    SchoolYearFigures.objects.create(
        school=school,
        school_year=YEAR,
        pupils=pupils,
        families=families,
        **{
            ("pupils_group_1_2" if group == "g1" else f"pupils_group_{group[1:]}"): n
            for group, n in per_group.items()
        },
    )
    groups = [group for group, n in per_group.items() for _ in range(n)]
    homes = Family.objects.bulk_create(
        Family(school=school, code=f"{name[:3]}{n:03d}") for n in range(families)
    )
    parents = Parent.objects.bulk_create(
        Parent(family=home, first_name=f"Ouder {n}") for n, home in enumerate(homes)
    )
    # Every family one child, the first ones a second, until the school's pupils are there.
    children = Child.objects.bulk_create(
        Child(
            family=homes[n % families],
            group=groups[n] if groups else ChildGroup.G5,
            group_year=2024,
        )
        for n in range(pupils)
    )
    for n in range(helped):
        contact = ContactFactory(
            school=school,
            occurred_at=_moment(2024, 11, 4 + n % 20, 10),
            family=homes[n],
            parent=parents[n],
        )
        if n < WERKWINKEL:
            ReferralFactory(contact=contact, partner=ww)
    for parent in parents[:active]:
        ActiveParentRoleFactory(parent=parent, school_year=YEAR)
    if provision:
        kind, given = provision
        Provision.objects.bulk_create(
            Provision(
                family=home,
                kind=default_provision_kinds()[kind],
                status="verstrekt",
                occurred_on=date(2025, 1, 15),
            )
            for home in homes[:given]
        )
    coffee = ActivityFactory(school=school, type=activity_type("koffieochtend"), target_group="")
    session = Session.objects.create(activity=coffee, date=date(2025, 2, 4))
    Attendance.objects.bulk_create(
        Attendance(session=session, parent=parent) for parent in parents[:COFFEE]
    )
    if in_programme:
        # Brede School, ZIMIHC and SportUtrecht: children's programmes by their type.
        sport = ActivityFactory(school=school, type=activity_type("sport_cultuur"), target_group="")
        Enrolment.objects.bulk_create(
            Enrolment(activity=sport, child=child, status="enrolled")
            for child in children[:in_programme]
        )
        Enrolment.objects.filter(activity=sport).update(requested_at=_moment(2024, 9, 2, 12))
    for title, type_code, wanted, enrolled in PROGRAMMES.get(name, []):
        programme = ActivityFactory(
            school=school,
            type=activity_type(type_code),
            target_group="",
            title=title,
            groups=wanted,
        )
        Enrolment.objects.bulk_create(
            Enrolment(activity=programme, child=child, status="enrolled")
            for child in [child for child in children if child.group in wanted][:enrolled]
        )
        Enrolment.objects.filter(activity=programme).update(requested_at=_moment(2024, 9, 2, 12))
    return school


@pytest.fixture
def overvecht(db):
    boards = {}
    werkwinkel = PartnerOrganisationFactory(name="Werkwinkel")
    for name, (board, *figures) in SCHOOLS.items():
        boards.setdefault(board, SchoolBoardFactory(name=board))
        _build_school(name, boards[board], *figures, werkwinkel)


def _exported(**kwargs) -> dict:
    """The CSV the project leader downloads (small counts hidden), by (school, code, category)."""
    content = reach_export(school_year=YEAR, fmt="csv", min_cell=5, **kwargs).content
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    reader = csv.DictReader(io.StringIO(text))
    return {(row["school"], row["indicator"], row["categorie"]): row["waarde"] for row in reader}


def test_the_export_reproduces_seed_001s_figures_of_the_four_overvecht_schools(overvecht):
    rows = _exported()

    def value(school, code, category=""):
        return rows[(school, code, category)]

    def rounded(school, code, category="") -> int:
        return round(float(value(school, code, category)))

    for name, (_board, pupils, families, *_rest) in SCHOOLS.items():
        assert value(name, "leerlingen") == str(pupils)
        assert value(name, "gezinnen") == str(families)
        assert int(value(name, "ouders_bereikt")) >= 50
    assert value(BOARD_PREFIX + OBO, "leerlingen") == str(146 + 179)
    # Boodschappentas at Spoorzicht 23 and Klopvaart 45, -kaart at Joannes XXIII 60, and none
    # at De Schakel (which gives every child lunch instead).
    assert value("OBO Spoorzicht", "gezinnen_per_voorziening", "boodschappentas") == "23"
    assert value("OBO De Klopvaart", "gezinnen_per_voorziening", "boodschappentas") == "45"
    assert value("Joannes XXIII", "gezinnen_per_voorziening", "boodschappenkaart") == "60"
    assert value("De Schakel", "gezinnen_per_voorziening", "boodschappentas") == "0"
    assert value("De Schakel", "gezinnen_per_voorziening", "boodschappenkaart") == "0"
    # The servicepunt helps about 30% of De Schakel's families, 40% at Joannes XXIII and on
    # average 37% at the OBO.
    assert rounded("De Schakel", "gezinnen_servicepunt_pct") == 30
    assert rounded("Joannes XXIII", "gezinnen_servicepunt_pct") == 40
    assert rounded(BOARD_PREFIX + OBO, "gezinnen_servicepunt_pct") == 37
    # A parent in an active role: 15% of the OBO's families, 16% and 20%.
    assert rounded(BOARD_PREFIX + OBO, "gezinnen_actieve_ouder_pct") == 15
    assert rounded("De Schakel", "gezinnen_actieve_ouder_pct") == 16
    assert rounded("Joannes XXIII", "gezinnen_actieve_ouder_pct") == 20
    # 60 to 65% of the children of De Schakel and the OBO in a children's programme.
    for name in ("De Schakel", "OBO De Klopvaart", "OBO Spoorzicht"):
        assert 60 <= float(value(name, "kinderen_programma_pct")) <= 65, name
    assert value(TOTAL, "leerlingen") == str(252 + 173 + 146 + 179)
    # At Joannes XXIII 40% of groep 5-8 in the WOW academie, 70% of groep 7-8 at the
    # huiswerkklas; De Schakel's module has no share: its pupils per groep are not known.
    assert rounded("Joannes XXIII", "kinderen_per_programma_pct", "WOW academie") == 40
    assert rounded("Joannes XXIII", "kinderen_per_programma_pct", "Huiswerkklas") == 70
    assert value("Joannes XXIII", "leerlingen_per_programma", "Huiswerkklas") == "44"
    assert not [key for key in rows if key[2] == "Durf te dromen"]


def test_more_than_15_parents_went_to_the_werkwinkel_in_2024(overvecht):
    rows = _exported(period=Period.calendar_year(2024))

    per_school = [rows[(name, "ouders_per_partner", "Werkwinkel")] for name in SCHOOLS]

    assert per_school == ["<5"] * 4  # 4 a school: too few to show per school
    assert int(rows[(TOTAL, "ouders_per_partner", "Werkwinkel")]) > 15
