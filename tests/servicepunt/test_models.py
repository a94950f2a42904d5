import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from servicepunt.models import ContactSource, ProvisionKind
from tests.familieschool.factories import ChildFactory, FamilyFactory
from tests.servicepunt.factories import ContactFactory, ProvisionFactory

pytestmark = pytest.mark.django_db


def test_the_sources_and_kinds_of_provisions_are_seeded():
    assert ContactSource.objects.filter(code="veiligthuis", name="Veilig Thuis").exists()
    assert ContactSource.objects.count() == 11
    assert ProvisionKind.objects.filter(code="jeugdfonds").get().name == (
        "Jeugdfonds Sport & Cultuur"
    )
    assert ProvisionKind.objects.count() == 12


def test_a_provision_refuses_a_child_or_contact_of_another_family(family_a, school_a):
    other = FamilyFactory(school=school_a)
    provision = ProvisionFactory(family=family_a)

    provision.child = ChildFactory(family=other)
    provision.contact = ContactFactory(school=school_a, family=other)
    with pytest.raises(ValidationError) as caught:
        provision.full_clean()

    assert set(caught.value.message_dict) == {"child", "contact"}


def test_the_administrator_edits_sources_kinds_and_provisions(adam_client, family_a):
    provision = ProvisionFactory(family=family_a)
    kind = provision.kind

    for name in (
        "servicepunt_contactsource_changelist",
        "servicepunt_provisionkind_changelist",
        "servicepunt_provision_changelist",
    ):
        assert adam_client.get(reverse(f"admin:{name}")).status_code == 200
    response = adam_client.post(
        reverse("admin:servicepunt_provisionkind_change", args=[kind.pk]),
        {"name": "Boodschappenkaart (AH)", "sort_order": 2, "active": "on"},
    )

    assert response.status_code == 302
    kind.refresh_from_db()
    assert (kind.name, kind.code) == ("Boodschappenkaart (AH)", "boodschappenkaart")
