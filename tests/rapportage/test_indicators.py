"""Issue 14's indicators on the hand-made world of conftest.py: the cases the definitions in
docs/indicators.md promise, spelled out (the oracle test checks every figure as well)."""

from rapportage.reach import BOARD_PREFIX, INDICATORS, TOTAL, reach_rows
from rapportage.reach.definitions import RESERVED

YEAR = "2024/2025"


def by_key(rows) -> dict:
    return {row.key: row for row in rows}


def test_every_code_is_defined_in_docs_and_unique():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "indicators.md").read_text()
    codes = [indicator.code for indicator in INDICATORS]
    assert len(codes) == len(set(codes))
    assert not set(codes) & set(RESERVED)
    for code in [*codes, *RESERVED]:
        assert f"`{code}`" in text, code


def test_a_parent_referred_and_seen_by_one_partner_counts_once_at_her_own_school(reach_world):
    rows = by_key(reach_rows(YEAR))
    a, b = reach_world.name("A"), reach_world.name("B")
    # a1p1: referred to the Werkwinkel and at its appointment; a3p1: two appointments there.
    assert rows[(a, "ouders_per_partner", "Werkwinkel")].value == 2
    # a3p1 came to the Buurtteam at school B: a parent of A; b1p1 was referred there from B.
    assert rows[(a, "ouders_per_partner", "Buurtteam Jeugd & Gezin")].value == 1
    assert rows[(b, "ouders_per_partner", "Buurtteam Jeugd & Gezin")].value == 1
    # The appointment itself happened at B, and a missed one at A.
    assert rows[(b, "afspraken_verschenen", "Buurtteam Jeugd & Gezin")].value == 1
    assert rows[(a, "afspraken_niet_verschenen", "Buurtteam Jeugd & Gezin")].value == 1
    # Parents per partner has no sum over partners: a parent may see several.
    assert (a, "ouders_per_partner", "") not in rows


def test_appointments_and_cancellations_count_by_the_local_date_of_the_year(reach_world):
    rows = by_key(reach_rows(YEAR))
    a = reach_world.name("A")
    # 3 February, 3 March and 31 July 2025 kept; 1 August 2025 belongs to the next year and a
    # planned appointment is neither kept nor missed.
    assert rows[(a, "afspraken_verschenen", "Werkwinkel")].value == 3
    assert rows[(a, "afspraken_niet_verschenen", "Werkwinkel")].value == 1
    assert rows[(a, "spreekuren_geannuleerd", "")].value == 2
    nxt = by_key(reach_rows("2025/2026"))
    assert nxt[(a, "afspraken_verschenen", "Werkwinkel")].value == 1
    assert nxt[(a, "spreekuren_geannuleerd", "Buurtteam Jeugd & Gezin")].value == 1


def test_languages_add_up_to_the_contacts_and_anonymous_contacts_count(reach_world):
    rows = by_key(reach_rows(YEAR))
    a = reach_world.name("A")
    languages = [row for key, row in rows.items() if key[:2] == (a, "contacten_per_taal")]
    assert sum(row.value for row in languages) == rows[(a, "contacten", "")].value
    # The anonymous Turkish contact with an interpreter counts; "onbekend" is unrecorded.
    assert rows[(a, "contacten_per_taal", "tr")].value == 1
    assert rows[(a, "contacten_per_taal", "onbekend")].value == 1
    assert rows[(a, "contacten_tolk", "")].value == 2


def test_new_and_returning_parents_make_up_the_parents_at_activities(reach_world):
    rows = by_key(reach_rows(YEAR))
    a, b = reach_world.name("A"), reach_world.name("B")
    # a1p1 came twice, the first time marked: new once, not also returning. a2p1: returning.
    assert rows[(a, "ouders_nieuw", "")].value == 1
    assert rows[(a, "ouders_terugkerend", "")].value == 1
    # b1p1 came to school A's coffee morning for the first time: counted at her school B.
    assert rows[(b, "ouders_nieuw", "")].value == 1


def test_pupils_and_families_are_base_rows_summed_only_when_every_school_is_known(reach_world):
    rows = by_key(reach_rows(YEAR))
    board_x = BOARD_PREFIX + reach_world.boards["X"].name
    assert rows[(reach_world.name("A"), "leerlingen", "")].value == 200
    assert rows[(board_x, "leerlingen", "")].value == 300
    assert rows[(board_x, "gezinnen", "")].value == 220
    # School C has no figures: the total is unknown rather than too small.
    assert rows[(TOTAL, "leerlingen", "")].value is None
    hidden = by_key(reach_rows(YEAR, min_cell=5))
    assert not hidden[(board_x, "leerlingen", "")].hidden


def test_small_new_counts_are_hidden_and_no_sum_shows_a_single_hidden_cell(reach_world):
    rows = reach_rows(YEAR, min_cell=3)
    keyed = by_key(rows)
    a = reach_world.name("A")
    # Every language at A is 1: hidden (as "<3"); the anonymous Turkish contact among them.
    assert keyed[(a, "contacten_per_taal", "tr")].waarde == "<3"
    assert keyed[(a, "ouders_per_partner", "Buurtteam Jeugd & Gezin")].hidden
    # Sums a reader can redo: over the partners (with a total row), the languages and the
    # schools of a board; none may have exactly one hidden cell.
    entities = {row.school for row in rows}
    sums = []
    for code in ("afspraken_verschenen", "afspraken_niet_verschenen", "spreekuren_geannuleerd"):
        for entity in entities:
            parts = [row for row in rows if row.school == entity and row.indicator == code]
            sums.append(parts)
    for entity in entities:
        languages = [r for r in rows if r.school == entity and r.indicator == "contacten_per_taal"]
        sums.append([keyed[(entity, "contacten", "")], *languages])
    for board in {r.school for r in rows if r.school.startswith(BOARD_PREFIX)}:
        for code in ("ouders_per_partner", "afspraken_verschenen", "ouders_nieuw"):
            members = [
                r
                for r in rows
                if r.indicator == code
                and r.level == "school"
                and _board_of(reach_world, r.school) == board
            ]
            for category in {r.category for r in members}:
                sums.append(
                    [keyed[(board, code, category)]]
                    + [r for r in members if r.category == category]
                )
    hidden_sums = [parts for parts in sums if sum(row.hidden for row in parts) == 1]
    assert hidden_sums == []
    assert any(sum(row.hidden for row in parts) >= 2 for parts in sums)


def _board_of(world, school_name: str) -> str:
    school = next(s for s in world.schools.values() if s.name == school_name)
    return BOARD_PREFIX + school.board.name


def test_families_per_provision_count_each_family_once_by_date_and_status(reach_world):
    rows = by_key(reach_rows(YEAR))
    a, b = reach_world.name("A"), reach_world.name("B")
    # a1 was given two bags in the year: one family. a2's bag was only applied for.
    assert rows[(a, "gezinnen_per_voorziening", "boodschappentas")].value == 1
    assert rows[(a, "gezinnen_per_voorziening_status", "boodschappentas:aangevraagd")].value == 1
    # a2's fund on 31 July 2025 is in the year; a4's bag of 1 August 2025 is not.
    assert rows[(a, "gezinnen_per_voorziening", "jeugdfonds")].value == 1
    assert rows[(b, "gezinnen_per_voorziening_status", "boodschappenkaart:afgewezen")].value == 1
    assert rows[(b, "gezinnen_per_voorziening", "boodschappenkaart")].value == 0
    nxt = by_key(reach_rows("2025/2026"))
    assert nxt[(a, "gezinnen_per_voorziening", "boodschappentas")].value == 1


def test_sources_add_up_to_the_contacts_and_fathers_are_reached_parents(reach_world):
    rows = by_key(reach_rows(YEAR))
    a, b = reach_world.name("A"), reach_world.name("B")
    sources = [row for key, row in rows.items() if key[:2] == (a, "contacten_per_bron")]
    assert sum(row.value for row in sources) == rows[(a, "contacten", "")].value
    # The anonymous contact brought by a parent counts too.
    assert rows[(a, "contacten_per_bron", "ouder")].value == 1
    # a3p1 (appointments) at A and b1p1 (contact) at B; a1p2 was reached the year before.
    assert rows[(a, "vaders_bereikt", "")].value == 1
    assert rows[(b, "vaders_bereikt", "")].value == 1
    assert by_key(reach_rows("2023/2024"))[(a, "vaders_bereikt", "")].value == 1


def test_the_workbook_names_sources_kinds_and_languages_and_keeps_the_codes(reach_world):
    import io

    from openpyxl import load_workbook

    from rapportage.exports import reach_export

    workbook = load_workbook(io.BytesIO(reach_export(school_year=YEAR, fmt="xlsx").content))
    categories = {
        (row[6].value, row[2].value)
        for name in ("Bereik", "Contacten")
        for row in workbook[name].iter_rows(min_row=2)
        if row[0].value == reach_world.name("A")
    }
    assert ("contacten_per_bron", "Leerkracht") in categories
    assert ("contacten_per_taal", "Arabisch") in categories
    assert ("gezinnen_per_voorziening", "Boodschappentas") in categories
    assert ("gezinnen_per_voorziening_status", "Boodschappentas: Aangevraagd") in categories


def test_children_in_any_programme_include_activities_for_parents_and_children(reach_world):
    rows = by_key(reach_rows(YEAR))
    a, b = reach_world.name("A"), reach_world.name("B")
    # b1c1 is enrolled in B's coffee morning for parents and children: a programme, not the
    # extended school day; a3c2 on the waiting list counts nowhere.
    assert rows[(b, "kinderen_programma", "")].value == 1
    assert rows[(b, "kinderen_verlengde_schooldag", "")].value == 0
    assert rows[(b, "kinderen_programma_pct", "")].value == 1
    assert rows[(a, "kinderen_programma", "")].value == 2


def _held(world, period, letter: str, partner: str) -> int:
    from rapportage.reach.counting import count_values

    _categories, values = count_values(period, [world.schools[letter].pk])
    name = world.partners[partner].name
    return values.get((world.schools[letter].pk, "spreekuren_gehouden", name), 0)


def test_spreekuren_held_follow_the_schedule_the_holidays_and_the_cancelled_dates(reach_world):
    from datetime import date

    from rapportage.reach.counting import Period

    def on(day: date) -> int:
        return _held(reach_world, Period(day, day), "B", "O")

    # The two every-other-Wednesday consultation hours at B: Wednesday 4 September is the
    # week of valid from (5 September) but before it; 11 September is an off week.
    assert on(date(2024, 9, 4)) == 0
    assert on(date(2024, 9, 11)) == 0
    assert on(date(2024, 9, 18)) == 2
    # 16 October is cancelled for one of them; 9 October, an off week, changes nothing.
    assert on(date(2024, 10, 16)) == 1
    assert on(date(2024, 10, 9)) == 0
    # Christmas is a public holiday and in the school holidays; 19 February is valid until.
    assert on(date(2024, 12, 25)) == 0
    assert on(date(2025, 2, 19)) == 2
    assert on(date(2025, 3, 5)) == 0
    # The weekly Monday one: the autumn holiday's Monday and Easter Monday are not held.
    assert on(date(2024, 10, 14)) == 1
    assert on(date(2024, 10, 21)) == 0
    assert on(date(2025, 4, 21)) == 0
    # A's Werkwinkel consultation hour was cancelled on Monday 6 January 2025 (ad hoc).
    assert _held(reach_world, Period(date(2025, 1, 6), date(2025, 1, 6)), "A", "P") == 0
    assert _held(reach_world, Period(date(2025, 1, 13), date(2025, 1, 13)), "A", "P") == 1
    # C's Tuesdays from 1 to 29 October (both included, the 22nd in the autumn holiday) and its
    # Mondays of 7, 14 and 28 October.
    assert _held(reach_world, Period(date(2024, 10, 1), date(2024, 10, 31)), "C", "P") == 7


def test_spreekuren_held_count_only_up_to_today(reach_world, oracle):
    from datetime import timedelta

    from django.utils import timezone

    from rapportage.reach.counting import Period
    from tests.rapportage.conftest import _spreekuren_held

    today = timezone.localdate()
    past = Period(today - timedelta(days=20), today)
    with_future = Period(past.first, today + timedelta(days=21))
    expected = len(_spreekuren_held(past.first, past.last)[("A", "P")])
    assert _held(reach_world, past, "A", "P") == expected
    # Three more Mondays lie ahead: not held (yet).
    assert _held(reach_world, with_future, "A", "P") == expected
    assert _held(reach_world, Period(today + timedelta(days=1), with_future.last), "A", "P") == 0


def test_spreekuren_held_are_counted_with_the_same_queries_for_ten_times_the_schedules(
    reach_world,
):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partners.models import SpreekuurCancellation
    from rapportage.reach.counting import Period, count_values
    from tests.partners.factories import SchoolHolidayFactory, SpreekuurFactory

    ids = [school.pk for school in reach_world.schools.values()]
    period = Period(date(2024, 8, 1), date(2025, 7, 31))

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            _categories, values = count_values(period, ids)
        return len(captured), sum(v for k, v in values.items() if k[1] == "spreekuren_gehouden")

    once, held = queries()
    for school in reach_world.schools.values():
        for weekday in range(5):
            spreekuur = SpreekuurFactory(school=school, weekday=weekday, recurrence="biweekly")
            SpreekuurCancellation.objects.create(
                spreekuur=spreekuur, date=date(2025, 3, 3 + weekday), reason="Ziek"
            )
    SchoolHolidayFactory(name="Voorjaarsvakantie", start=date(2025, 2, 15), end=date(2025, 2, 23))
    again, more = queries()
    assert again == once
    assert more > held


def test_children_in_a_programme_follow_the_type_unless_the_activity_sets_its_own(reach_world):
    from activiteiten.constants import TargetGroup
    from activiteiten.models import Enrolment
    from tests.activiteiten.factories import ActivityFactory, EnrolmentFactory, activity_type
    from tests.familieschool.factories import ChildFactory, FamilyFactory

    from .conftest import local

    c = reach_world.schools["C"]
    children = [ChildFactory(family=FamilyFactory(school=c)) for _ in range(4)]
    # Sport and culture (SportUtrecht, ZIMIHC) and a celebration for the whole family are
    # children's programmes by their type; a huiswerkklas set for parents only is not, nor is a
    # training for the school team.
    for code, own, child in (
        ("sport_cultuur", "", children[0]),
        ("vieringen", "", children[1]),
        ("huiswerkklas", TargetGroup.PARENTS, children[2]),
        ("teamtraining", "", children[3]),
    ):
        activity = ActivityFactory(school=c, type=activity_type(code), target_group=own)
        EnrolmentFactory(activity=activity, child=child, status="enrolled")
    Enrolment.objects.filter(activity__school=c).update(requested_at=local(2024, 9, 2, 12))

    rows = by_key(reach_rows(YEAR))

    assert rows[(reach_world.name("C"), "kinderen_programma", "")].value == 2
    assert rows[(reach_world.name("C"), "kinderen_verlengde_schooldag", "")].value == 0


def test_funding_figures_count_an_activity_under_each_of_its_sources(reach_world):
    rows = by_key(reach_rows(YEAR))
    a, b = reach_world.name("A"), reach_world.name("B")
    for source in ("School en Omgeving", "Fondsen"):
        # koffie A: 5 Nov (3 named + 3 anonymous) and 6 May (1 named); 12 Nov was cancelled.
        assert rows[(a, "activiteiten_per_financier", source)].value == 1
        assert rows[(a, "bijeenkomsten_per_financier", source)].value == 2
        assert rows[(a, "deelnames_per_financier", source)].value == 7
        # a1p1 (twice) and a2p1 of A; b1p1 of B counts at her own school.
        assert rows[(a, "deelnemers_per_financier", source)].value == 2
        assert rows[(b, "deelnemers_per_financier", source)].value == 1
    assert rows[(a, "deelnemers_per_financier", "Verrijkte Schooldag")].value == 1
    # koffie B's one session was on 2 July 2024: the year before.
    assert rows[(b, "bijeenkomsten_per_financier", "Fondsen")].value == 0
    earlier = by_key(reach_rows("2023/2024"))
    assert earlier[(b, "bijeenkomsten_per_financier", "Fondsen")].value == 1
    assert earlier[(b, "deelnames_per_financier", "Fondsen")].value == 5
    # The sources do not add up to the activities: no total row.
    assert (a, "activiteiten_per_financier", "") not in rows
    assert rows[(TOTAL, "deelnemers_per_financier", "Fondsen")].value == 3


def test_a_parent_at_two_activities_of_one_source_counts_once_for_it(school_a):
    from datetime import date

    from tests.activiteiten.factories import (
        ActivityFactory,
        ActivityFundingFactory,
        AttendanceFactory,
        SessionFactory,
        funding_source,
    )
    from tests.familieschool.factories import ParentFactory

    fonds, bso = funding_source("Fondsen"), funding_source("School en Omgeving")
    parent = ParentFactory(family__school=school_a)
    koffie, taal = ActivityFactory(school=school_a), ActivityFactory(school=school_a)
    ActivityFundingFactory(activity=koffie, source=fonds)
    ActivityFundingFactory(activity=taal, source=fonds, share_pct=50)
    ActivityFundingFactory(activity=taal, source=bso, share_pct=50)
    for activity in (koffie, taal):
        session = SessionFactory(activity=activity, date=date(2024, 10, 1), anonymous_count=2)
        AttendanceFactory(session=session, parent=parent)

    rows = by_key(reach_rows(YEAR))

    name = school_a.name
    assert rows[(name, "activiteiten_per_financier", "Fondsen")].value == 2
    assert rows[(name, "deelnames_per_financier", "Fondsen")].value == 6
    assert rows[(name, "deelnemers_per_financier", "Fondsen")].value == 1
    assert rows[(name, "deelnemers_per_financier", "School en Omgeving")].value == 1
    assert rows[(name, "activiteiten_per_financier", "School en Omgeving")].value == 1


def test_small_funding_counts_are_hidden_for_the_project_leader(reach_world):
    rows = by_key(reach_rows(YEAR, min_cell=5))
    a = reach_world.name("A")
    row = rows[(a, "deelnemers_per_financier", "Fondsen")]
    assert (row.hidden, row.waarde) == (True, "<5")


def test_a_programmes_share_counts_the_children_of_its_groepen_in_the_counted_year(reach_world):
    rows = by_key(reach_rows(YEAR))
    a = reach_world.name("A")

    # vsd A is for groep 5-8 (100 pupils of A in 2024/2025). a1c1 (groep 6 now, groep 5 then)
    # counts; a3c1 came to a session but was in groep 4 then; a2c1 enrolled after the year.
    assert rows[(a, "leerlingen_per_programma", "vsd A")].value == 100
    assert rows[(a, "kinderen_per_programma", "vsd A")].value == 1
    assert str(rows[(a, "kinderen_per_programma_pct", "vsd A")].value) == "1.0"
    # The year before, A's pupils per groep are not known: no figure at all.
    assert not [row for row in reach_rows("2023/2024") if row.category == "vsd A"]
