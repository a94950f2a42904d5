"""The offer per building block and target group (issue 14 point 1, seed 003 tables 3.1, 5.1
and 6.1): the count ``aanbod_per_bouwsteen`` and the XLSX sheet "Aanbod" that lists it."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from familieschool.schoolyear import SchoolYear
from rapportage.exports import reach_export
from rapportage.reach import Period
from rapportage.reach.counting import count_values
from tests.activiteiten.factories import ActivityFactory, SessionFactory, activity_type
from tests.familieschool.factories import SchoolFactory

YEAR = "2024/2025"
OFFER = "aanbod_per_bouwsteen"
HEADER = ["School", "Bouwsteen", "Doelgroep", "Soort", "Activiteit"]


def offer(world, period: Period) -> dict:
    """{(school letter, category): activities} of the reach world in ``period``."""
    letters = {school.id: letter for letter, school in world.schools.items()}
    _categories, values = count_values(period, list(letters))
    return {
        (letters[school], category): value
        for (school, code, category), value in values.items()
        if code == OFFER
    }


def offer_sheet(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content))["Aanbod"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    return rows[1:]


def test_an_activity_counts_with_a_session_held_or_running_without_sessions(reach_world):
    got = offer(reach_world, Period.of(SchoolYear.parse(YEAR)))
    # koffie A (sessions) and ouderkamer A (a type offered without sessions, none held).
    assert got[("A", "ouders_als_partner:parents")] == 2
    assert got[("A", "rijke_dag:children")] == 1
    # excursie B has only a cancelled session; koffie B's session was in 2023/2024.
    assert not any(letter == "B" for letter, _category in got)
    # startgesprek C runs from 1 August 2025 only.
    assert not any(letter == "C" for letter, _category in got)


@pytest.mark.parametrize(
    ("first", "last", "counted"),
    [
        # ouderkamer A is valid from 2 September 2024 to 31 July 2025, both included.
        (date(2024, 8, 1), date(2024, 9, 1), False),
        (date(2024, 8, 1), date(2024, 9, 2), True),
        (date(2025, 7, 31), date(2025, 7, 31), True),
        (date(2025, 8, 1), date(2025, 12, 31), False),
    ],
)
def test_an_activity_without_sessions_counts_while_it_runs(reach_world, first, last, counted):
    got = offer(reach_world, Period(first, last))
    assert got.get(("A", "ouders_als_partner:parents"), 0) == int(counted)


def test_the_target_group_is_the_activitys_own_else_its_types(reach_world):
    # koffie B is a koffieochtend (type: parents) for parents and children.
    assert offer(reach_world, Period.of(SchoolYear.parse("2023/2024"))) == {
        ("B", "ouders_als_partner:both"): 1
    }
    # startgesprek C has no target group of its own: its type's.
    assert offer(reach_world, Period.of(SchoolYear.parse("2025/2026"))) == {
        ("C", "ouders_als_partner:parents"): 1
    }


def test_the_offer_is_counted_in_one_query_however_many_activities(reach_world):
    period = Period.of(SchoolYear.parse(YEAR))
    ids = [school.id for school in reach_world.schools.values()]
    with CaptureQueriesContext(connection) as before:
        count_values(period, ids)
    for number in range(5):
        activity = ActivityFactory(
            school=reach_world.schools["C"], type=activity_type("huiswerkklas"), target_group=""
        )
        SessionFactory(activity=activity, date=date(2024, 10, 1 + number))
    with CaptureQueriesContext(connection) as after:
        _categories, values = count_values(period, ids)
    assert len(after) == len(before)
    assert values[(reach_world.schools["C"].id, OFFER, "rijke_dag:children")] == 5


def test_the_offer_sheet_lists_every_activity_offered_in_the_order_of_the_building_blocks(
    reach_world,
):
    rows = offer_sheet(reach_export(school_year=YEAR, fmt="xlsx").content)
    school = reach_world.name("A")
    assert rows == [
        [
            school,
            "Rijke dag voor kind en jongere",
            "Kinderen",
            "Verlengde schooldag module",
            "vsd A",
        ],
        [school, "Ouders als partner", "Ouders", "Koffieochtend", "koffie A"],
        [school, "Ouders als partner", "Ouders", "Ouderkamer", "ouderkamer A"],
    ]


def test_the_offer_sheet_holds_only_the_schools_exported(reach_world):
    content = reach_export(
        school_year="2023/2024", schools=[reach_world.schools["A"]], fmt="xlsx"
    ).content
    assert offer_sheet(content) == []
    content = reach_export(school_year="2023/2024", fmt="xlsx").content
    assert offer_sheet(content) == [
        [
            reach_world.name("B"),
            "Ouders als partner",
            "Ouders en kinderen",
            "Koffieochtend",
            "koffie B",
        ]
    ]


def test_a_schools_offer_like_seed_003_is_listed_under_its_building_block_and_target_group(db):
    """One school's row of seed 003: table 3.1 a (scholing/studiedag for the school team), table
    5.1 a (extended school day; cultural offer, excursions with parents) and an ouderkamer."""
    school = SchoolFactory(name="De Regenboog")
    held = {
        "Studiedag hoge verwachtingen": ("teamtraining", ""),
        "Verlengde schooldag": ("verlengde_schooldag", ""),
        "Museumbezoek met ouders": ("excursie", "both"),
    }
    for title, (code, target_group) in held.items():
        activity = ActivityFactory(
            school=school, type=activity_type(code), target_group=target_group, title=title
        )
        SessionFactory(activity=activity, date=date(2025, 3, 12))
    ActivityFactory(
        school=school, type=activity_type("ouderkamer"), target_group="", title="Ouderkamer"
    )
    cancelled = ActivityFactory(school=school, type=activity_type("taalles"), title="Taalles")
    SessionFactory(activity=cancelled, date=date(2025, 3, 12), cancelled=True)

    export = reach_export(school_year=YEAR, schools=[school], fmt="xlsx")

    assert offer_sheet(export.content) == [
        [
            "De Regenboog",
            "Familieschoolcultuur: kinderen eerst",
            "Schoolteam",
            "Training schoolteam",
            "Studiedag hoge verwachtingen",
        ],
        [
            "De Regenboog",
            "Rijke dag voor kind en jongere",
            "Kinderen",
            "Verlengde schooldag module",
            "Verlengde schooldag",
        ],
        [
            "De Regenboog",
            "Rijke dag voor kind en jongere",
            "Ouders en kinderen",
            "Excursie",
            "Museumbezoek met ouders",
        ],
        ["De Regenboog", "Ouders als partner", "Ouders", "Ouderkamer", "Ouderkamer"],
    ]
    activities = load_workbook(io.BytesIO(export.content))["Activiteiten"]
    counted = {
        row[2]: row[3]
        for row in activities.iter_rows(min_row=2, values_only=True)
        if row[0] == "De Regenboog" and row[6] == OFFER and row[2]
    }
    assert counted == {
        "Familieschoolcultuur: kinderen eerst / Schoolteam": 1,
        "Rijke dag voor kind en jongere / Kinderen": 1,
        "Rijke dag voor kind en jongere / Ouders en kinderen": 1,
        "Ouders als partner / Ouders": 1,
    }


def test_the_dashboard_shows_the_offer_per_building_block_and_target_group(
    reach_world, alice_client
):
    response = alice_client.get(reverse("rapportage:dashboard"), {"schooljaar": YEAR})
    detail = next(
        detail for detail in response.context["details"] if detail["indicator"].code == OFFER
    )
    school = detail["columns"].index(reach_world.name("A"))
    shown = {row["category"]: row["cells"][school].value for row in detail["rows"]}
    assert shown == {
        "Rijke dag voor kind en jongere / Kinderen": 1,
        "Ouders als partner / Ouders": 2,
    }
