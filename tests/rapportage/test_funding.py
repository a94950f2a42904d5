"""The export per funding source (rapportage/funding.py) on the hand-made world of conftest.py,
and the seed check of seed 003 table 7.1."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from rapportage.funding import FUNDING_HEADER, funding_rows, schools_per_source
from rapportage.reach import TOTAL, Period
from tests.activiteiten.factories import (
    ActivityFactory,
    ActivityFundingFactory,
    FundingBudgetFactory,
    SessionFactory,
    funding_source,
)
from tests.familieschool.factories import SchoolBoardFactory, SchoolFactory

pytestmark = pytest.mark.django_db

YEAR = Period(date(2024, 8, 1), date(2025, 7, 31))
URL = reverse("rapportage:funding-export")


def _csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def _by(rows) -> dict:
    return {(row.source, row.school): row for row in rows}


def test_each_source_and_school_gets_its_activities_counts_and_budget(reach_world):
    a, b = reach_world.schools["A"], reach_world.schools["B"]
    koffie = reach_world.activities["koffie A"]
    koffie.fundings.filter(source__name="Fondsen").update(share_pct=40)
    FundingBudgetFactory(school=a, source=funding_source("Fondsen"), school_year="2024/2025")
    FundingBudgetFactory(
        school=a,
        source=funding_source("Fondsen"),
        school_year="2024/2025",
        activity=koffie,
        amount=Decimal("750.50"),
    )
    # Another year's budget is not this period's.
    FundingBudgetFactory(school=a, source=funding_source("Fondsen"), school_year="2023/2024")

    rows = _by(funding_rows(period=YEAR))

    fondsen_a = rows[("Fondsen", a.name)]
    assert fondsen_a.activities == f"{koffie.title} (40%)"
    assert [row.value for row in fondsen_a.counts] == [1, 2, 7, 2]
    assert fondsen_a.budget == Decimal("5750.50")
    assert fondsen_a.values()[-2:] == ["5750.50", "2024/2025"]
    # b1p1 of B came to A's coffee morning: a participant at her own school, no activity of B.
    assert [row.value for row in rows[("Fondsen", b.name)].counts] == [0, 0, 0, 1]
    assert rows[("School en Omgeving", a.name)].activities == koffie.title
    assert rows[("Verrijkte Schooldag", a.name)].counts[1].value == 1
    assert rows[("Fondsen", TOTAL)].budget == Decimal("5750.50")
    assert rows[("Fondsen", TOTAL)].counts[3].value == 3


def test_a_calendar_year_or_a_period_counts_its_own_days_and_budgets(reach_world):
    a = reach_world.schools["A"]
    FundingBudgetFactory(school=a, source=funding_source("Fondsen"), school_year="2023/2024")
    FundingBudgetFactory(school=a, source=funding_source("Fondsen"), school_year="2024/2025")

    calendar = _by(funding_rows(period=Period.calendar_year(2024)))
    spring = _by(funding_rows(period=Period(date(2025, 1, 1), date(2025, 6, 30))))

    # 2024: koffie A on 5 Nov (12 Nov cancelled); koffie B on 2 July 2024 (at B).
    assert calendar[("Fondsen", a.name)].counts[1].value == 1
    assert calendar[("Fondsen", a.name)].period == "2024"
    assert calendar[("Fondsen", a.name)].budget == 10000
    assert calendar[("Fondsen", a.name)].budget_years == "2023/2024, 2024/2025"
    # 2025-01-01/06-30: koffie A on 6 May only, one named parent.
    assert [row.value for row in spring[("Fondsen", a.name)].counts] == [1, 1, 1, 1]
    assert spring[("Fondsen", a.name)].budget == 5000


def _row(rows, source, school):
    return next(r for r in rows if (r["financier"], r["school"]) == (source, school))


def test_the_coordinator_downloads_her_schools_rows_exactly(reach_world, alice_client):
    response = alice_client.get(URL, {"schooljaar": "2024/2025", "formaat": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="financiers_2024-2025.csv"'
    rows = _csv(response.content)
    assert list(rows[0]) == FUNDING_HEADER
    assert reach_world.name("A") in {row["school"] for row in rows}
    assert reach_world.name("B") not in {row["school"] for row in rows}
    fondsen = _row(rows, "Fondsen", reach_world.name("A"))
    assert (fondsen["bijeenkomsten"], fondsen["deelnames"], fondsen["unieke_deelnemers"]) == (
        "2",
        "7",
        "2",
    )


def test_the_project_leader_gets_small_counts_hidden(reach_world, lisa_client):
    response = lisa_client.get(URL, {"schooljaar": "2024/2025", "formaat": "csv"})

    fondsen = _row(_csv(response.content), "Fondsen", reach_world.name("A"))
    assert (fondsen["aantal_activiteiten"], fondsen["deelnames"]) == ("<5", "7")
    assert fondsen["unieke_deelnemers"] == "<5"
    xlsx = lisa_client.get(URL, {"kalenderjaar": "2024", "formaat": "xlsx"})
    assert xlsx["Content-Disposition"] == 'attachment; filename="financiers_2024.xlsx"'


def test_a_half_period_gets_a_dutch_error_next_to_the_field(alice_client, school_a):
    response = alice_client.get(URL, {"van": "2025-01-01", "formaat": "csv"})

    assert response.status_code == 200
    assert "Geef zowel de eerste als de laatste dag." in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_export_reach_financier_writes_the_same_rows(reach_world, tmp_path):
    output = tmp_path / "financiers.csv"

    call_command("export_reach", kalenderjaar=2024, financier=True, min_cell=0, output=str(output))

    rows = _csv(output.read_bytes())
    assert {row["periode"] for row in rows} == {"2024"}
    assert ("Fondsen", reach_world.name("B")) in {(r["financier"], r["school"]) for r in rows}


# --- seed 003, table 7.1 -------------------------------------------------------------------

# Seed 003 table 7.1, "Andere subsidies die zijn ingezet/aangevraagd (gesprekken gemeente
# 2024)", in the report's order. The seed's text keeps the table's sources but not its bars;
# §7.4 says what they show: the regeling brugfunctionaris is by far the most used in po and vo,
# followed by School en Omgeving; po schools also use the Kansenaanpak, TOB, BTO and the
# Familiepakket; vo schools School en Omgeving, the brugfunctionaris and less often NPO and
# Gezonde School; funds mostly in po; most schools combine several sources.
TABLE_7_1 = [
    "Regeling brugfunctionaris",
    "Kansenaanpak PO/VO",
    "School en Omgeving",
    "Taal en Ouderbetrokkenheid (TOB)",
    "Brede Talent Ontwikkeling (BTO)",
    "Familiepakket (incl. budgetcoach/ stadspas)",
    "Overig",
    "VLOA Burgerschap",
    "VLOA VVE",
    "WPI",
    "Basisvaardigheden",
    "Gezonde School",
    "Overgang po-vo",
    "NPO",
    "Ontwikkelkracht",
    "Opgroeiwijk (PAW)",
    "Verrijkte Schooldag",
    "Fondsen (zoals Jeugdeducatiefonds, Stichting Leergeld en Jeugdfonds Sport & Cultuur)",
]
BRUG, KANS, SO, TOB, BTO, FAM = TABLE_7_1[:6]
BASIS, GEZOND, NPO, VSD, FONDS = (
    TABLE_7_1[10],
    TABLE_7_1[11],
    TABLE_7_1[13],
    TABLE_7_1[16],
    TABLE_7_1[17],
)
# The sources each school uses (an activity held) or applied for (a budget only), 2024.
SCHOOLS = {
    ("po", "Familieschool 1"): ([BRUG, SO], [KANS, TOB, FONDS]),
    ("po", "Familieschool 2"): ([BRUG, BTO], [SO, FAM, FONDS]),
    ("po", "Familieschool 3"): ([BRUG, KANS], [TOB, VSD]),
    ("po", "Familieschool 4"): ([BRUG, SO], [BTO, FAM, BASIS]),
    ("vo", "Familieschool 5"): ([SO, BRUG], [NPO, GEZOND]),
    ("vo", "Familieschool 6"): ([BRUG, SO], [FONDS]),
}


@pytest.fixture
def table_7_1_world():
    board = SchoolBoardFactory(name="Stichting Amsterdam")
    schools = {}
    for (kind, name), (used, applied) in SCHOOLS.items():
        school = SchoolFactory(name=name, type=kind, board=board)
        schools[name] = school
        # One activity paid by two sources together, held in 2024.
        activity = ActivityFactory(school=school)
        for source, share in zip(used, (60, 40), strict=True):
            ActivityFundingFactory(
                activity=activity, source=funding_source(source), share_pct=share
            )
        SessionFactory(activity=activity, date=date(2024, 10, 8), anonymous_count=12)
        for source in applied:
            FundingBudgetFactory(
                school=school, source=funding_source(source), school_year="2024/2025", amount=5000
            )
    return schools


def test_the_export_reproduces_seed_003_table_7_1(table_7_1_world):
    rows = funding_rows(period=Period.calendar_year(2024))
    counted = schools_per_source(rows)
    po = [
        s for (kind, _n), s in zip(SCHOOLS, table_7_1_world.values(), strict=True) if kind == "po"
    ]
    vo = [
        s for (kind, _n), s in zip(SCHOOLS, table_7_1_world.values(), strict=True) if kind == "vo"
    ]

    expected = {}
    for used, applied in SCHOOLS.values():
        for source in {*used, *applied}:
            expected[source] = expected.get(source, 0) + 1
    assert counted == expected
    assert set(counted) <= set(TABLE_7_1)
    ranking = sorted(counted, key=lambda source: -counted[source])
    assert ranking[:2] == [BRUG, SO]
    for group in (po, vo):
        in_group = schools_per_source(
            funding_rows(period=Period.calendar_year(2024), schools=group)
        )
        assert sorted(in_group, key=lambda source: -in_group[source])[:2] == [BRUG, SO]
    po_sources = schools_per_source(funding_rows(period=Period.calendar_year(2024), schools=po))
    vo_sources = schools_per_source(funding_rows(period=Period.calendar_year(2024), schools=vo))
    assert {KANS, TOB, BTO, FAM} <= set(po_sources) and not {KANS, TOB, BTO, FAM} & set(vo_sources)
    assert {NPO, GEZOND} <= set(vo_sources)
    assert po_sources[FONDS] > vo_sources[FONDS]
    # Every school combines several sources.
    per_school = {}
    for row in rows:
        if row.school in {school.name for school in table_7_1_world.values()}:
            per_school.setdefault(row.school, set()).add(row.source)
    assert all(len(sources) > 2 for sources in per_school.values())
    # The activity paid by two sources counts under both, with its share.
    brug = next(row for row in rows if (row.source, row.school) == (BRUG, "Familieschool 1"))
    assert brug.activities.endswith("(60%)")
    assert [row.value for row in brug.counts[:3]] == [1, 1, 12]
