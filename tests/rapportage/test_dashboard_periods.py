"""The reach dashboard for a calendar year or a from-to period (issue 14 point 2): the period
form's errors, the figures against the independent count of conftest.py, the scope, the
downloads and the queries."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from familieschool.constants import Role
from rapportage.exports import _csv
from rapportage.forms import LIVE_PERIOD_MAX_SCHOOLS, ReachFilterForm
from rapportage.models import ReachCount
from tests.familieschool.factories import SchoolFactory, UserFactory
from tests.login import force_login_verified
from tests.rapportage.downloads import download
from tests.rapportage.test_periods import by_letter
from tests.rapportage.test_views import _activity

DASHBOARD = reverse("rapportage:dashboard")
EXPORT = reverse("rapportage:export")
CALENDAR_2025 = {"periode": "kalenderjaar", "kalenderjaar": "2025"}
FROM_TO = {"periode": "van_tot", "van": "2025-07-31", "tot": "2025-08-01"}


def _exact(report_rows, world, oracle, year, first, last):
    got = by_letter(world, report_rows)
    expected = oracle(year, first, last)
    mine = {key: value for key, value in expected.items() if key[0] in {k[0] for k in got}}
    assert got, "no school rows"
    assert set(mine) - set(got) == set()
    for key, value in got.items():
        default = None if key[1].endswith("_pct") else 0
        assert value == mine.get(key, default), key


# --- the form ----------------------------------------------------------------------------------


def _errors(data, school_count=1) -> dict:
    form = ReachFilterForm(data, school_count=school_count)
    assert not form.is_valid()
    return form.errors


def test_the_period_form_names_each_mistake_next_to_its_field_in_dutch(db):
    today = timezone.localdate()
    assert _errors({"periode": "kalenderjaar"}) == {"kalenderjaar": ["Kies een kalenderjaar."]}
    assert "kalenderjaar" in _errors({"periode": "kalenderjaar", "kalenderjaar": "1999"})
    assert _errors({"periode": "van_tot", "van": "2025-03-01"}) == {
        "tot": ["Vul de laatste dag in."]
    }
    assert _errors({"periode": "van_tot", "van": "2025-03-01", "tot": "2025-02-01"}) == {
        "tot": ["De laatste dag mag niet voor de eerste dag liggen."]
    }
    future = (today + timedelta(days=1)).isoformat()
    errors = _errors({"periode": "van_tot", "van": "2025-03-01", "tot": future})
    assert list(errors) == ["tot"] and errors["tot"][0].startswith("Kies een dag tot en met")
    errors = _errors({"periode": "van_tot", "van": "2001-03-01", "tot": "2025-02-01"})
    assert list(errors) == ["van"] and errors["van"][0].startswith("Kies een dag vanaf")
    too_many = _errors(FROM_TO, school_count=LIVE_PERIOD_MAX_SCHOOLS + 1)
    assert list(too_many) == ["periode"]
    assert "kies een bestuur of een school" in too_many["periode"][0].lower()
    # A calendar year is kept, whatever the number of schools; an old link without a period
    # still means the school year.
    assert ReachFilterForm(CALENDAR_2025, school_count=500).is_valid()
    assert ReachFilterForm({"schooljaar": "2024/2025"}).is_valid()


def test_a_wrong_period_shows_the_error_on_the_page_and_the_current_school_year(
    reach_world, alice_client
):
    response = alice_client.get(DASHBOARD, {"periode": "van_tot", "van": "2025-03-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_tot_error"' in page and "Vul de laatste dag in." in page
    assert response.context["period"] is None


# --- the figures -------------------------------------------------------------------------------


def test_a_calendar_year_s_dashboard_is_the_independent_count_of_that_year(
    reach_world, oracle, alice_client
):
    response = alice_client.get(DASHBOARD, CALENDAR_2025)

    report = response.context["report"]
    assert report.label == "2025"
    _exact(report.rows, reach_world, oracle, "2024/2025", date(2025, 1, 1), date(2025, 12, 31))
    page = response.content.decode()
    assert "Bereikcijfers 1 januari 2025 tot en met 31 december 2025" in page
    # Read from the kept count, and said so; no school year's name and no "last year".
    assert ReachCount.objects.filter(first_day=date(2025, 1, 1), last_day=date(2025, 12, 31))
    assert "Cijfers van" in page and "Kalenderjaren worden eens per dag opnieuw geteld" in page
    assert "er is geen vergelijking met vorig jaar" in page
    for chart in response.context["chart_json"].values():
        assert [dataset["label"] for dataset in chart["datasets"]] == ["2025"]


def test_a_from_to_dashboard_is_the_independent_count_of_those_days(
    reach_world, oracle, alice_client
):
    response = alice_client.get(DASHBOARD, FROM_TO)

    report = response.context["report"]
    assert report.label == "2025-07-31/2025-08-01"
    _exact(report.rows, reach_world, oracle, "2024/2025", date(2025, 7, 31), date(2025, 8, 1))
    assert "deze periode wordt op verzoek geteld" in response.content.decode()
    assert not ReachCount.objects.filter(first_day=date(2025, 7, 31))


def test_the_downloads_follow_the_chosen_period(reach_world, alice_client):
    for chosen, label in ((CALENDAR_2025, "2025"), (FROM_TO, "2025-07-31/2025-08-01")):
        page = alice_client.get(DASHBOARD, chosen)
        query = page.context["download_query"]
        response = download(alice_client, f"{query}&formaat=csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert {row[0] for row in rows[1:]} == {label}
        with translation.override("nl"):
            assert response.content == _csv(page.context["report"])


def test_a_board_leader_s_period_page_shows_only_her_schools(reach_world, client):
    leader = UserFactory(username="yara", role=Role.PROJECT_LEADER, board=reach_world.boards["Y"])
    force_login_verified(client, leader)

    for chosen in (CALENDAR_2025, FROM_TO):
        response = client.get(DASHBOARD, chosen)
        schools = {row["name"] for row in response.context["key_rows"] if row["level"] == "school"}
        assert schools == {"Joannes XXIII"}
        export = download(client, {**chosen, "formaat": "csv"})
        rows = list(csv.reader(io.StringIO(export.content.decode())))
        assert {row[1] for row in rows[1:]} <= {
            "Joannes XXIII",
            f"bestuur: {reach_world.boards['Y'].name}",
            "totaal",
        }
        other = {**chosen, "bestuur": reach_world.boards["X"].pk}
        assert client.get(DASHBOARD, other).status_code == 404


def test_a_from_to_period_for_many_schools_is_refused_and_points_to_the_export(
    reach_world, lisa_client
):
    for _ in range(LIVE_PERIOD_MAX_SCHOOLS):
        SchoolFactory()
    response = lisa_client.get(DASHBOARD, FROM_TO)
    page = response.content.decode()
    assert 'id="id_periode_error"' in page and "export_reach --van/--tot" in page
    refused = lisa_client.get(EXPORT, {**FROM_TO, "formaat": "csv"}, follow=True)
    assert "export_reach --van/--tot" in refused.content.decode()


# --- queries -----------------------------------------------------------------------------------


def _queries(client, chosen) -> tuple[int, int]:
    ReachCount.objects.all().delete()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DASHBOARD, chosen).status_code == 200
        counts.append(len(captured))
    return counts[0], counts[1]


@pytest.mark.parametrize("chosen", [CALENDAR_2025, FROM_TO])
def test_a_period_s_dashboard_runs_the_same_number_of_queries_with_ten_times_the_data(
    school_a, school_b, lisa_client, chosen
):
    _activity(school_a, 1, date(2025, 7, 31))
    _activity(school_b, 1, date(2025, 3, 4))
    once = _queries(lisa_client, chosen)

    _activity(school_a, 10, date(2025, 8, 1))
    _activity(school_b, 10, date(2025, 7, 31))
    _activity(school_b, 10, date(2025, 1, 14))

    assert _queries(lisa_client, chosen) == once


# --- the recount of kept calendar years --------------------------------------------------------


def test_a_kept_calendar_year_is_recounted_even_when_its_first_school_year_is_frozen(
    reach_world, lisa_client
):
    from familieschool.schoolyear import SchoolYear
    from rapportage.services import reach_counts_recount, reach_snapshot_create

    lisa_client.get(DASHBOARD, CALENDAR_2025)  # kept on the first request
    lisa_client.get(DASHBOARD, {"schooljaar": "2024/2025"})
    reach_snapshot_create(school_year=SchoolYear.parse("2024/2025"))
    two_days_ago = timezone.now() - timedelta(days=2)
    calendar = ReachCount.objects.filter(first_day=date(2025, 1, 1), last_day=date(2025, 12, 31))
    school_year = ReachCount.objects.filter(first_day=date(2024, 8, 1), last_day=date(2025, 7, 31))
    (calendar | school_year).update(counted_at=two_days_ago)

    reach_counts_recount()

    assert calendar.get().counted_at > two_days_ago
    # The frozen school year itself is read from its snapshot, not recounted.
    assert school_year.get().counted_at == two_days_ago
