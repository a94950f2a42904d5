"""Several funding sources per activity (with a share or an amount) and budgets per school."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from activiteiten.models import ActivityFunding, FundingBudget
from tests.activiteiten.factories import (
    ActivityFactory,
    ActivityFundingFactory,
    FundingBudgetFactory,
    funding_source,
)
from tests.activiteiten.test_views import _activity_data

pytestmark = pytest.mark.django_db

BEFORE = ("activiteiten", "0006_seed_building_blocks_and_types")
AFTER = ("activiteiten", "0008_funding_sources_and_budgets")


def _migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


def _leaves():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.loader.graph.leaf_nodes()


# serialized_rollback: the flush after this test must leave the migrations' rows for the next.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_activitys_one_funding_source_is_carried_over_and_back():
    leaves = _leaves()
    apps = _migrate(BEFORE)
    try:
        Activity = apps.get_model("activiteiten", "Activity")
        School = apps.get_model("familieschool", "School")
        source = apps.get_model("activiteiten", "FundingSource").objects.get(
            name="School en Omgeving"
        )
        board = apps.get_model("familieschool", "SchoolBoard").objects.create(name="Bestuur M")
        school = School.objects.create(name="De Schakel", slug="de-schakel-migratie", board=board)
        fields = {
            "school": school,
            "type": apps.get_model("activiteiten", "ActivityType").objects.first(),
            "weekday": 1,
            "start_time": "09:00",
            "end_time": "10:00",
            "valid_from": "2024-08-01",
        }
        funded = Activity.objects.create(title="Taalles", funding_source=source, **fields)
        unfunded = Activity.objects.create(title="Koffie", **fields)

        apps = _migrate(AFTER)
        rows = apps.get_model("activiteiten", "ActivityFunding").objects.all()
        assert [(row.activity_id, row.source_id, row.share_pct) for row in rows] == [
            (funded.pk, source.pk, None)
        ]
        assert not rows.filter(activity_id=unfunded.pk).exists()

        apps = _migrate(BEFORE)
        Activity = apps.get_model("activiteiten", "Activity")
        assert Activity.objects.get(pk=funded.pk).funding_source_id == source.pk
        assert Activity.objects.get(pk=unfunded.pk).funding_source_id is None
    finally:
        _migrate(*leaves)


# --- the activity's page -----------------------------------------------------------------


def _rows(*rows, initial=0):
    data = {"financiers-TOTAL_FORMS": str(len(rows)), "financiers-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"financiers-{index}-{name}"] = value
    return data


def _post(client, school, *rows):
    data = _activity_data(school)
    data.update(_rows(*rows))
    return client.post(reverse("activiteiten:activity-create"), data)


def test_a_coordinator_saves_an_activity_with_two_sources(alice_client, school_a):
    bso, fonds = funding_source("School en Omgeving"), funding_source("Fondsen")

    response = _post(
        alice_client,
        school_a,
        {"source": bso.pk, "share_pct": "60", "amount": ""},
        {"source": fonds.pk, "share_pct": "", "amount": "1200.50"},
        {"source": "", "share_pct": "", "amount": ""},
    )

    assert response.status_code == 302
    rows = ActivityFunding.objects.order_by("source__name")
    assert [(row.source, row.share_pct, row.amount) for row in rows] == [
        (fonds, None, Decimal("1200.50")),
        (bso, Decimal("60"), None),
    ]


@pytest.mark.parametrize(
    "rows, message",
    [
        (
            [{"source": "A", "share_pct": "60"}, {"source": "B", "share_pct": "50"}],
            "De aandelen komen samen boven 100%.",
        ),
        ([{"source": "A", "share_pct": "50", "amount": "100"}], "Geef een aandeel of een bedrag"),
        ([{"source": "A", "amount": "-5"}], "Vul een getal van 0 of meer in."),
        ([{"source": "A", "share_pct": "-1"}], "Vul een getal van 0 of meer in."),
        ([{"source": "A"}, {"source": "A"}], "Deze financier staat er al."),
        ([{"share_pct": "20"}], "Kies de financier."),
    ],
)
def test_bad_funding_rows_get_a_dutch_error_and_save_nothing(alice_client, school_a, rows, message):
    sources = {"A": funding_source("School en Omgeving").pk, "B": funding_source("Fondsen").pk}
    posted = [
        {"share_pct": "", "amount": "", **row, "source": sources.get(row.get("source"), "")}
        for row in rows
    ]

    response = _post(alice_client, school_a, *posted)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ActivityFunding.objects.exists()
    assert not school_a.activities.exists()


def test_changing_an_activity_replaces_its_sources(alice_client, school_a):
    activity = ActivityFactory(school=school_a, title="Vadergroep")
    old = ActivityFundingFactory(activity=activity, source=funding_source("Fondsen"))
    bso = funding_source("School en Omgeving")
    data = _activity_data(school_a, type=activity.type.pk)
    data.update(
        _rows(
            {"id": old.pk, "source": old.source_id, "share_pct": "", "amount": "", "DELETE": "on"},
            {"id": "", "source": bso.pk, "share_pct": "100", "amount": ""},
            initial=1,
        )
    )

    response = alice_client.post(
        reverse("activiteiten:activity-update", kwargs={"pk": activity.pk}), data
    )

    assert response.status_code == 302
    assert [(row.source, row.share_pct) for row in activity.fundings.all()] == [
        (bso, Decimal("100"))
    ]
    page = alice_client.get(reverse("activiteiten:activity-detail", kwargs={"pk": activity.pk}))
    assert "School en Omgeving (100%)" in page.content.decode()


# --- budgets -----------------------------------------------------------------------------


def _budget(school, **extra):
    return {
        "school": school.pk,
        "source": funding_source("Regeling brugfunctionaris").pk,
        "school_year": "2024/2025",
        "activity": "",
        "amount": "5000",
        **extra,
    }


def test_a_coordinator_adds_a_budget_for_her_school(alice_client, school_a):
    activity = ActivityFactory(school=school_a)

    response = alice_client.post(
        reverse("activiteiten:budget-create"), _budget(school_a, activity=activity.pk)
    )

    assert response.status_code == 302
    budget = FundingBudget.objects.get()
    assert (budget.school, budget.activity, budget.amount) == (school_a, activity, 5000)
    assert "5000" in alice_client.get(reverse("activiteiten:budget-list")).content.decode()


def test_she_cannot_add_a_budget_for_another_school_or_its_activity(
    alice_client, school_a, school_b
):
    elsewhere = ActivityFactory(school=school_b)

    for data in (_budget(school_b), _budget(school_a, activity=elsewhere.pk)):
        response = alice_client.post(reverse("activiteiten:budget-create"), data)
        assert response.status_code == 200
        assert "Selecteer een geldige keuze" in response.content.decode()
    assert not FundingBudget.objects.exists()


def test_a_second_budget_of_the_same_source_and_year_gets_a_dutch_error(alice_client, school_a):
    FundingBudgetFactory(
        school=school_a, source=funding_source("Regeling brugfunctionaris"), amount=100
    )

    response = alice_client.post(reverse("activiteiten:budget-create"), _budget(school_a))

    assert "Deze school heeft al een budget van deze financier voor dit schooljaar." in (
        response.content.decode()
    )
    assert FundingBudget.objects.get().amount == 100


def test_a_negative_budget_or_a_bad_school_year_changes_nothing(alice_client, school_a):
    budget = FundingBudgetFactory(school=school_a, amount=100)
    url = reverse("activiteiten:budget-update", kwargs={"pk": budget.pk})

    negative = alice_client.post(url, _budget(school_a, amount="-1"))
    bad_year = alice_client.post(url, _budget(school_a, school_year="2024"))

    assert "Vul een getal van 0 of meer in." in negative.content.decode()
    assert bad_year.status_code == 200
    budget.refresh_from_db()
    assert (budget.amount, budget.school_year) == (100, "2024/2025")


def test_a_coordinator_changes_and_removes_her_budget(alice_client, school_a):
    budget = FundingBudgetFactory(school=school_a, amount=100)
    url = reverse("activiteiten:budget-update", kwargs={"pk": budget.pk})

    assert alice_client.post(url, _budget(school_a, amount="2500")).status_code == 302
    budget.refresh_from_db()
    assert budget.amount == 2500

    alice_client.post(reverse("activiteiten:budget-delete", kwargs={"pk": budget.pk}))
    assert not FundingBudget.objects.exists()


def test_the_administrator_edits_budgets_and_fundings_in_beheer(adam_client, school_a):
    budget = FundingBudgetFactory(school=school_a)
    activity = ActivityFundingFactory(activity__school=school_a).activity

    assert (
        adam_client.get(reverse("admin:activiteiten_fundingbudget_changelist")).status_code == 200
    )
    change = reverse("admin:activiteiten_fundingbudget_change", args=[budget.pk])
    assert adam_client.get(change).status_code == 200
    page = adam_client.get(reverse("admin:activiteiten_activity_change", args=[activity.pk]))
    assert "School en Omgeving" in page.content.decode()
