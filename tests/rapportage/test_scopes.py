"""The dashboard and its downloads per breakdown, and for a project leader of a municipality."""

import csv
import io

import pytest
from django.urls import reverse

from familieschool.constants import Role
from tests.familieschool.factories import UserFactory
from tests.login import force_login_verified
from tests.rapportage.downloads import download as download_file

YEAR = "2024/2025"
DASHBOARD = reverse("rapportage:dashboard")
EXPORT = reverse("rapportage:export")


@pytest.fixture
def amsterdam(reach_world):
    """School C (Joannes XXIII) lies in Amsterdam, A and B in Utrecht."""
    school = reach_world.schools["C"]
    school.municipality = "Amsterdam"
    school.save()
    return school


@pytest.fixture
def gerda_client(client, amsterdam):
    gerda = UserFactory(username="gerda", role=Role.PROJECT_LEADER, municipality="Utrecht")
    force_login_verified(client, gerda)
    return client


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_dashboard_shows_the_breakdown_chosen_and_passes_it_to_the_downloads(
    reach_world, amsterdam, lisa_client
):
    response = lisa_client.get(DASHBOARD, {"schooljaar": YEAR, "per": "gemeente"})

    names = [row["name"] for row in response.context["key_rows"]]
    assert names[-3:] == ["gemeente: Amsterdam", "gemeente: Utrecht", "totaal"]
    assert "per=gemeente" in response.context["download_query"]
    page = response.content.decode()
    assert '<option value="gemeente" selected>gemeente</option>' in page
    download = download_file(lisa_client, {"schooljaar": YEAR, "per": "gemeente", "formaat": "csv"})
    lines = _csv(download)
    assert lines[0] == ["schooljaar", "school", "indicator", "categorie", "waarde"]
    assert [YEAR, "gemeente: Utrecht", "gezinnen", "", "220"] in lines


def test_an_unknown_breakdown_shows_the_board_rows_only(reach_world, lisa_client):
    response = lisa_client.get(DASHBOARD, {"schooljaar": YEAR, "per": "provincie"})
    assert response.status_code == 200
    assert {row["level"] for row in response.context["key_rows"]} == {"school", "board", "total"}


def test_a_municipality_project_leader_sees_only_the_schools_of_her_municipality(
    reach_world, gerda_client
):
    response = gerda_client.get(DASHBOARD, {"schooljaar": YEAR})

    schools = {row["name"] for row in response.context["key_rows"] if row["level"] == "school"}
    assert schools == {"De Schakel", "OBO Spoorzicht"}
    assert "Joannes XXIII" not in response.content.decode()
    lines = _csv(download_file(gerda_client, {"schooljaar": YEAR, "formaat": "csv"}))
    assert {line[1] for line in lines[1:]} == {
        "De Schakel",
        "OBO Spoorzicht",
        f"bestuur: {reach_world.boards['X'].name}",
        "totaal",
    }


def test_a_school_of_another_municipality_is_a_404_for_her(reach_world, gerda_client):
    other = {"schooljaar": YEAR, "school": reach_world.schools["C"].pk}
    assert gerda_client.get(DASHBOARD, other).status_code == 404
    assert gerda_client.get(EXPORT, {**other, "formaat": "csv"}).status_code == 404
    board_y = {"schooljaar": YEAR, "bestuur": reach_world.boards["Y"].pk, "formaat": "xlsx"}
    assert gerda_client.get(EXPORT, board_y).status_code == 404
    own = {"schooljaar": YEAR, "school": reach_world.schools["A"].pk, "formaat": "csv"}
    assert download_file(gerda_client, own).status_code == 200


def test_a_municipality_project_leader_may_not_freeze_a_year(reach_world, gerda_client):
    response = gerda_client.post(reverse("rapportage:snapshot-create"), {"schooljaar": "2023/2024"})
    assert response.status_code == 403
