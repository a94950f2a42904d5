"""The dashboard's tables and charts are rendered once per report and remembered by everything
they are made of: the same figures give the same HTML without rendering it again, and a new
figure, a renamed theme or another reader's scope give new HTML at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from familieschool.constants import Role
from familieschool.schoolyear import SchoolYear
from rapportage import dashboard
from rapportage.tasks import recount_reach
from servicepunt.models import Theme
from tests.familieschool.factories import UserFactory
from tests.login import force_login_verified
from tests.servicepunt.factories import ContactFactory

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("rapportage:dashboard")
YEAR = "2024/2025"


@pytest.fixture
def renders(monkeypatch):
    calls = []
    real = dashboard.render_to_string

    def counted(template, *args, **kwargs):
        calls.append(template)
        return real(template, *args, **kwargs)

    monkeypatch.setattr(dashboard, "render_to_string", counted)
    return calls


def tables(response) -> str:
    """The remembered part of the page: from "Key figures" to the chart data."""
    page = response.content.decode()
    return page[page.index('<h2 class="h5">Kerncijfers') : page.index('id="reach-charts"')]


def test_the_same_figures_are_rendered_once(reach_world, lisa_client, renders):
    first = lisa_client.get(DASHBOARD, {"schooljaar": YEAR})
    again = lisa_client.get(DASHBOARD, {"schooljaar": YEAR})

    assert renders == ["rapportage/_reach_tables.html"]
    assert tables(again) == tables(first)
    assert "De Schakel" in tables(again)


def test_a_renamed_theme_shows_at_once(reach_world, lisa_client, renders):
    lisa_client.get(DASHBOARD, {"schooljaar": YEAR})
    theme = Theme.objects.filter(contacts__isnull=False).distinct().first()
    theme.name = "Geldzaken en schulden (nieuw)"
    theme.save()

    response = lisa_client.get(DASHBOARD, {"schooljaar": YEAR})

    assert "Geldzaken en schulden (nieuw)" in tables(response)
    assert len(renders) == 2


def test_another_readers_scope_gets_its_own_tables(reach_world, lisa_client, client, renders):
    whole_city = lisa_client.get(DASHBOARD, {"schooljaar": YEAR})
    leader = UserFactory(username="yara", role=Role.PROJECT_LEADER, board=reach_world.boards["Y"])
    force_login_verified(client, leader)

    one_board = client.get(DASHBOARD, {"schooljaar": YEAR})

    assert "De Schakel" in tables(whole_city)
    assert "De Schakel" not in tables(one_board)
    assert "Joannes XXIII" in tables(one_board)
    assert len(renders) == 2


def test_a_recounted_figure_shows_at_once(school_a, alice_client, renders):
    # The coordinator sees her school's exact figures (a project leader would see "<5" twice).
    year = SchoolYear.current()
    now = timezone.now()
    ContactFactory(school=school_a, occurred_at=now - timedelta(hours=1))
    recount_reach()
    before = alice_client.get(DASHBOARD, {"schooljaar": year.label})
    alice_client.get(DASHBOARD, {"schooljaar": year.label})
    assert len(renders) == 1  # the second view read the remembered tables

    ContactFactory(school=school_a, occurred_at=now - timedelta(minutes=1))
    recount_reach()
    after = alice_client.get(DASHBOARD, {"schooljaar": year.label})

    assert len(renders) == 2
    assert tables(after) != tables(before)
