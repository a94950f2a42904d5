"""The dashboard, its downloads and the freeze page, per role and scope."""

import csv
import io
import json
from datetime import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familieschool.constants import Role
from familieschool.schoolyear import SchoolYear
from partners.constants import AppointmentStatus
from rapportage.exports import reach_export
from rapportage.models import ReachCount, ReachSnapshot
from rapportage.services import reach_snapshot_create
from tests.activiteiten.factories import ActivityFactory, AttendanceFactory, SessionFactory
from tests.familieschool.factories import ChildFactory, FamilyFactory, ParentFactory, UserFactory
from tests.login import force_login_verified
from tests.partners.factories import AppointmentFactory, SpreekuurFactory
from tests.rapportage.conftest import local
from tests.rapportage.downloads import download
from tests.servicepunt.factories import ContactFactory, ReferralFactory, default_themes

YEAR = "2024/2025"
DASHBOARD = reverse("rapportage:dashboard")
EXPORT = reverse("rapportage:export")


def key_figure(response, school: str, code: str):
    column = [indicator.code for indicator in response.context["key_indicators"]].index(code)
    row = next(row for row in response.context["key_rows"] if row["name"] == school)
    return row["cells"][column]["row"]


def test_a_project_leader_sees_every_school_with_small_counts_hidden(reach_world, lisa_client):
    response = lisa_client.get(DASHBOARD, {"schooljaar": YEAR})

    assert response.status_code == 200
    names = [row["name"] for row in response.context["key_rows"]]
    assert names[:3] == ["De Schakel", "Joannes XXIII", "OBO Spoorzicht"]
    assert names[-1] == "totaal"
    cell = key_figure(response, "De Schakel", "contacten")
    assert cell.hidden
    assert "&lt;5" in response.content.decode()


def test_a_coordinator_sees_the_exact_figures_of_her_own_school_only(reach_world, alice_client):
    response = alice_client.get(DASHBOARD, {"schooljaar": YEAR})

    names = {row["name"] for row in response.context["key_rows"]}
    assert names == {"De Schakel", f"bestuur: {reach_world.boards['X'].name}", "totaal"}
    cell = key_figure(response, "De Schakel", "contacten")
    assert not cell.hidden and cell.value == 3
    assert "OBO Spoorzicht" not in response.content.decode()


def test_a_project_leader_of_one_board_sees_only_that_boards_schools(reach_world, client):
    leader = UserFactory(username="yara", role=Role.PROJECT_LEADER, board=reach_world.boards["Y"])
    force_login_verified(client, leader)

    response = client.get(DASHBOARD, {"schooljaar": YEAR})

    schools = {row["name"] for row in response.context["key_rows"] if row["level"] == "school"}
    assert schools == {"Joannes XXIII"}
    export = download(client, {"schooljaar": YEAR, "formaat": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert {row[1] for row in rows[1:]} == {
        "Joannes XXIII",
        f"bestuur: {reach_world.boards['Y'].name}",
        "totaal",
    }
    other_board = {"schooljaar": YEAR, "bestuur": reach_world.boards["X"].pk}
    assert client.get(DASHBOARD, other_board).status_code == 404
    assert client.get(EXPORT, {**other_board, "formaat": "csv"}).status_code == 404


def test_a_project_leader_can_narrow_the_dashboard_to_one_board(reach_world, lisa_client):
    board = reach_world.boards["X"]
    response = lisa_client.get(DASHBOARD, {"schooljaar": YEAR, "bestuur": board.pk})
    schools = {row["name"] for row in response.context["key_rows"] if row["level"] == "school"}
    assert schools == {"De Schakel", "OBO Spoorzicht"}
    assert f"bestuur={board.pk}" in response.context["download_query"]


def test_a_coordinator_cannot_export_another_schools_figures(reach_world, bob_client):
    school_a = reach_world.schools["A"]
    response = bob_client.get(EXPORT, {"schooljaar": YEAR, "formaat": "csv", "school": school_a.pk})
    assert response.status_code == 404
    assert bob_client.get(EXPORT, {"schooljaar": YEAR, "school": "abc"}).status_code == 404


def test_a_coordinator_downloads_the_exact_figures_of_her_school(reach_world, bob_client):
    school_b = reach_world.schools["B"]
    response = download(bob_client, {"schooljaar": YEAR, "formaat": "csv", "school": school_b.pk})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bereik_2024-2025.csv"'
    assert (
        response.content == reach_export(school_year=YEAR, schools=[school_b], min_cell=0).content
    )


def test_the_project_leaders_download_is_the_file_the_command_writes(reach_world, lisa_client):
    response = download(lisa_client, {"schooljaar": YEAR, "formaat": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    csv_response = download(lisa_client, {"schooljaar": YEAR, "formaat": "csv"})
    assert csv_response.content == reach_export(school_year=YEAR, min_cell=5).content


def test_a_bad_download_request_goes_back_with_a_message(reach_world, lisa_client):
    response = lisa_client.get(EXPORT, {"schooljaar": YEAR, "formaat": "pdf"}, follow=True)
    assert response.redirect_chain[-1][0] == DASHBOARD
    assert "pdf" in response.content.decode()


def test_an_unknown_school_year_shows_an_error_and_the_current_year(reach_world, lisa_client):
    response = lisa_client.get(DASHBOARD, {"schooljaar": "1999/2000"})
    assert response.status_code == 200
    assert response.context["form"].errors["schooljaar"]
    assert response.context["year"] == SchoolYear.current()
    assert 'class="invalid-feedback d-block"' in response.content.decode()


def test_each_chart_has_its_data_and_a_table_alternative(reach_world, alice_client):
    response = alice_client.get(DASHBOARD, {"schooljaar": YEAR})
    content = response.content.decode()

    assert content.count('role="img"') == 3
    assert content.count("Toon deze grafiek als tabel") == 3
    assert "vendor/chartjs/chart.umd.min.js" in content
    assert "cdn" not in content.lower()
    charts = response.context["chart_json"]
    assert charts["schools"]["labels"] == ["De Schakel"]
    assert charts["schools"]["datasets"][0]["data"] == [3]
    assert charts["months"]["datasets"][0]["data"][11] == 1  # July: the 23:30 contact
    assert json.loads(json.dumps(charts)) == charts


def test_hidden_counts_are_gaps_in_the_charts(reach_world, lisa_client):
    response = lisa_client.get(DASHBOARD, {"schooljaar": YEAR})
    assert None in response.context["chart_json"]["schools"]["datasets"][0]["data"]


def test_a_frozen_year_says_so_on_the_dashboard(reach_world, lisa_client):
    reach_snapshot_create(school_year=SchoolYear.parse(YEAR))
    response = lisa_client.get(DASHBOARD, {"schooljaar": YEAR})
    assert response.context["report"].is_frozen
    assert "Vastgelegd op" in response.content.decode()


# --- freezing --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lisa_client", "adam_client"])
def test_a_project_leader_or_administrator_freezes_an_ended_year(reach_world, request, who):
    client = request.getfixturevalue(who)
    response = client.post(reverse("rapportage:snapshot-create"), {"schooljaar": YEAR})

    assert response.status_code == 302
    assert ReachSnapshot.objects.filter(school_year=YEAR).exists()
    page = client.get(reverse("rapportage:snapshots"))
    assert YEAR in page.content.decode()


def test_a_project_leader_of_one_board_cannot_freeze_the_schools_of_others(reach_world):
    from django.test import Client

    from familieschool.access import may_freeze_figures
    from familieschool.constants import Role
    from tests.familieschool.factories import UserFactory

    leader = UserFactory(username="bea", role=Role.PROJECT_LEADER, board=reach_world.boards["X"])
    client = Client()
    force_login_verified(client, leader)

    response = client.post(reverse("rapportage:snapshot-create"), {"schooljaar": YEAR})

    assert response.status_code == 403
    assert not ReachSnapshot.objects.exists()
    page = client.get(reverse("rapportage:snapshots")).content.decode()
    assert "alleen een projectleider van alle scholen" in page
    assert reverse("rapportage:snapshot-create") not in page
    with pytest.raises(PermissionDenied):
        reach_snapshot_create(school_year=SchoolYear.parse(YEAR), user=leader)
    assert not may_freeze_figures(leader)


def test_the_snapshot_records_who_froze_which_schools(reach_world, lisa):
    snapshot = reach_snapshot_create(school_year=SchoolYear.parse(YEAR), user=lisa)

    assert snapshot.frozen_by == lisa
    frozen = set(snapshot.schools.values_list("school_id", flat=True))
    assert frozen == {school.pk for school in reach_world.schools.values()}


def test_the_current_year_cannot_be_frozen(reach_world, lisa_client):
    current = SchoolYear.current().label
    response = lisa_client.post(reverse("rapportage:snapshot-create"), {"schooljaar": current})

    assert response.status_code == 400
    assert response.context["form"].errors["schooljaar"]
    assert not ReachSnapshot.objects.exists()


def test_the_freeze_page_offers_only_ended_years_not_yet_frozen(reach_world, lisa_client):
    reach_snapshot_create(school_year=SchoolYear.parse(YEAR))
    form = lisa_client.get(reverse("rapportage:snapshots")).context["form"]
    labels = [value for value, _label in form.fields["schooljaar"].choices]
    assert YEAR not in labels
    assert SchoolYear.current().label not in labels
    assert SchoolYear.current().previous().label in labels


# --- constant queries ------------------------------------------------------------------------


def _activity(school, n: int, day):
    spreekuur = SpreekuurFactory(school=school)
    activity = ActivityFactory(school=school)
    session = SessionFactory(activity=activity, date=day, anonymous_count=2)
    themes = default_themes()
    for i in range(n):
        family = FamilyFactory(school=school)
        parent = ParentFactory(family=family)
        child = ChildFactory(family=family)
        contact = ContactFactory(
            school=school,
            family=family,
            parent=parent,
            occurred_at=local(day.year, day.month, day.day, 10),
            themes=[themes["geldzaken"], themes["wonen"]],
        )
        ReferralFactory(contact=contact)
        AppointmentFactory(
            spreekuur=spreekuur,
            date=day,
            start_time=time(9 + i // 4, i % 4 * 15),
            family=family,
            parent=parent,
            status=AppointmentStatus.ATTENDED,
        )
        AttendanceFactory(session=session, parent=parent)
        AttendanceFactory(session=session, parent=None, child=child)
        ContactFactory(school=school, occurred_at=local(day.year, day.month, day.day, 11))


def _queries(client) -> tuple[int, int]:
    """The dashboard's queries when it must count the figures (none kept), then when it reads
    the kept ones."""
    ReachCount.objects.all().delete()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DASHBOARD, {"schooljaar": YEAR}).status_code == 200
        counts.append(len(captured))
    return counts[0], counts[1]


@pytest.mark.parametrize("who", ["lisa_client", "alice_client"])
def test_the_dashboard_runs_the_same_number_of_queries_with_ten_times_the_data(
    school_a, school_b, request, who
):
    from datetime import date

    client = request.getfixturevalue(who)
    _activity(school_a, 1, date(2024, 11, 5))
    _activity(school_b, 1, date(2023, 11, 7))
    once = _queries(client)

    _activity(school_a, 10, date(2024, 11, 12))
    _activity(school_b, 10, date(2023, 11, 14))
    _activity(school_b, 10, date(2025, 1, 14))

    assert _queries(client) == once
    counting, reading = once
    # The first request counts two years (25 queries each since issue 14's partner, language,
    # source, provision and new-parent figures, 3 more for the shares per programme, 1 for the
    # offer per building block) and keeps them, and reads the building blocks' names; the second
    # only reads.
    assert counting < 104
    assert reading < 20


# --- regressions -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
@pytest.mark.parametrize("param", ["school", "bestuur"])
@pytest.mark.parametrize("who", ["lisa_client", "alice_client"])
def test_an_id_beyond_any_key_is_a_404(reach_world, request, who, url, param):
    client = request.getfixturevalue(who)
    huge = "999999999999999999999999999999"
    response = client.get(url, {"schooljaar": YEAR, "formaat": "csv", param: huge})
    assert response.status_code == 404


def test_a_school_added_after_the_year_was_frozen_is_counted_in_that_year(reach_world, client):
    from tests.familieschool.factories import SchoolBoardFactory, SchoolFactory

    reach_snapshot_create(school_year=SchoolYear.parse(YEAR))
    new_board = SchoolBoardFactory(name="Stichting Nieuw")
    newcomer = SchoolFactory(name="De Nieuwe School", board=new_board)
    for day in range(1, 8):
        ContactFactory(school=newcomer, occurred_at=local(2024, 10, day, 10))
    leader = UserFactory(username="nina", role=Role.PROJECT_LEADER, board=new_board)
    force_login_verified(client, leader)

    response = client.get(DASHBOARD, {"schooljaar": YEAR})

    assert response.status_code == 200
    assert response.context["report"].is_frozen
    assert key_figure(response, "De Nieuwe School", "contacten").value == 7
    months = response.context["chart_json"]["months"]["datasets"][0]["data"]
    assert months[2] == 7  # October
