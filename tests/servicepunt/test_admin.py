import pytest
from django.urls import reverse

from tests.servicepunt.factories import ContactFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def test_the_administrator_edits_themes_with_their_suggested_partners(adam_client, themes):
    url = reverse("admin:servicepunt_theme_change", args=[themes["werk"].pk])

    html = adam_client.get(url).content.decode()

    assert "suggested_partners" in html
    assert adam_client.get(reverse("admin:servicepunt_theme_changelist")).status_code == 200


def test_the_referral_admin_shows_the_status_history(adam_client, school_a, partner_p, themes):
    referral = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)

    response = adam_client.get(reverse("admin:servicepunt_referral_change", args=[referral.pk]))

    assert response.status_code == 200
    assert "status_changes" in response.content.decode()
    for name in ("servicepunt_contact_changelist", "servicepunt_referral_changelist"):
        assert adam_client.get(reverse(f"admin:{name}")).status_code == 200
    contact_url = reverse("admin:servicepunt_contact_change", args=[referral.contact_id])
    assert adam_client.get(contact_url).status_code == 200
