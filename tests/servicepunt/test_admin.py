import pytest
from django.urls import reverse

from servicepunt.models import Contact
from tests.servicepunt.factories import ContactFactory, ReferralFactory, theme_link_schools

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


def _contact_form(school, themes, **overrides):
    return {
        "school": school.pk,
        "occurred_at_0": "2026-01-31",
        "occurred_at_1": "10:00:00",
        "channel": "inloop",
        "themes": [theme.pk for theme in themes],
        "outcome": "answered",
        **overrides,
    }


def test_a_contact_added_in_the_admin_links_its_themes_with_its_school(
    adam_client, school_a, themes
):
    data = _contact_form(school_a, [themes["wonen"], themes["werk"]])

    response = adam_client.post(reverse("admin:servicepunt_contact_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    contact = Contact.objects.get()
    assert set(contact.themes.values_list("code", flat=True)) == {"wonen", "werk"}
    assert theme_link_schools() == [(school_a.pk, school_a.pk)] * 2


def test_the_admin_changes_a_contact_s_themes_but_not_its_school(
    adam_client, school_a, school_b, themes
):
    contact = ContactFactory(school=school_a, themes=[themes["wonen"]])
    url = reverse("admin:servicepunt_contact_change", args=[contact.pk])
    assert 'name="school"' not in adam_client.get(url).content.decode()

    response = adam_client.post(url, _contact_form(school_b, [themes["werk"]]))

    assert response.status_code == 302, response.context["adminform"].form.errors
    contact.refresh_from_db()
    assert contact.school == school_a
    assert list(contact.themes.values_list("code", flat=True)) == ["werk"]
    assert theme_link_schools() == [(school_a.pk, school_a.pk)]
