from django.urls import reverse

from activiteiten.models import ActivityType, BuildingBlock
from tests.activiteiten.factories import ActivityFactory, SessionFactory


def test_the_administrator_edits_the_list_of_activity_types(adam_client):
    response = adam_client.get(reverse("admin:activiteiten_activitytype_changelist"))

    assert response.status_code == 200
    assert "Koffieochtend" in response.content.decode()


def test_a_types_code_cannot_be_changed_once_it_exists(adam_client):
    koffie = ActivityType.objects.get(code="koffieochtend")
    url = reverse("admin:activiteiten_activitytype_change", args=[koffie.pk])

    adam_client.post(
        url,
        {"code": "koffie", "name": "Koffie-uurtje", "sort_order": 1, "target_group": "parents"},
    )

    koffie.refresh_from_db()
    assert (koffie.code, koffie.name) == ("koffieochtend", "Koffie-uurtje")


def test_the_administrator_sees_activities_sessions_and_funding_sources(adam_client, school_a):
    SessionFactory(activity=ActivityFactory(school=school_a, title="Vadergroep"))

    for name in ("activity", "session", "fundingsource"):
        response = adam_client.get(reverse(f"admin:activiteiten_{name}_changelist"))
        assert response.status_code == 200, name


def test_the_seeded_types_carry_the_building_blocks_and_target_groups_of_seed_003(db):
    types = {
        t.code: (t.building_block.code if t.building_block else None, t.target_group)
        for t in ActivityType.objects.select_related("building_block")
    }

    assert types["verlengde_schooldag"] == ("rijke_dag", "children")
    assert types["sport_cultuur"] == ("rijke_dag", "children")
    assert types["koffieochtend"] == ("ouders_als_partner", "parents")
    assert types["vieringen"] == ("ouders_als_partner", "both")
    assert types["teamtraining"] == ("familieschoolcultuur", "team")
    without = set(ActivityType.objects.filter(without_sessions=True).values_list("code", flat=True))
    assert without == {"ouderkamer", "startgesprek", "buddysysteem"}


def test_the_administrator_sets_a_types_building_block_and_target_group(adam_client):
    block = BuildingBlock.objects.create(code="gezondheid", name="Gezondheid", sort_order=8)
    excursie = ActivityType.objects.get(code="excursie")
    url = reverse("admin:activiteiten_activitytype_change", args=[excursie.pk])

    response = adam_client.post(
        url,
        {
            "name": "Excursie",
            "sort_order": 8,
            "building_block": block.pk,
            "target_group": "both",
            "without_sessions": "on",
        },
    )

    assert response.status_code == 302
    excursie.refresh_from_db()
    assert (excursie.building_block, excursie.target_group, excursie.without_sessions) == (
        block,
        "both",
        True,
    )


def test_the_administrator_edits_the_building_blocks_but_not_their_codes(adam_client):
    block = BuildingBlock.objects.get(code="rijke_dag")
    url = reverse("admin:activiteiten_buildingblock_change", args=[block.pk])

    assert (
        adam_client.get(reverse("admin:activiteiten_buildingblock_changelist")).status_code == 200
    )
    adam_client.post(url, {"code": "rijk", "name": "Rijke schooldag", "sort_order": 4})

    block.refresh_from_db()
    assert (block.code, block.name) == ("rijke_dag", "Rijke schooldag")
