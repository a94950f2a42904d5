from django.urls import reverse

from activiteiten.models import ActivityType
from tests.activiteiten.factories import ActivityFactory, SessionFactory


def test_the_administrator_edits_the_list_of_activity_types(adam_client):
    response = adam_client.get(reverse("admin:activiteiten_activitytype_changelist"))

    assert response.status_code == 200
    assert "Koffieochtend" in response.content.decode()


def test_a_types_code_cannot_be_changed_once_it_exists(adam_client):
    koffie = ActivityType.objects.get(code="koffieochtend")
    url = reverse("admin:activiteiten_activitytype_change", args=[koffie.pk])

    adam_client.post(url, {"code": "koffie", "name": "Koffie-uurtje", "sort_order": 1})

    koffie.refresh_from_db()
    assert (koffie.code, koffie.name) == ("koffieochtend", "Koffie-uurtje")


def test_the_administrator_sees_activities_sessions_and_funding_sources(adam_client, school_a):
    SessionFactory(activity=ActivityFactory(school=school_a, title="Vadergroep"))

    for name in ("activity", "session", "fundingsource"):
        response = adam_client.get(reverse(f"admin:activiteiten_{name}_changelist"))
        assert response.status_code == 200, name
