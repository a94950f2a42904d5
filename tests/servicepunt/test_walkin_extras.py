"""The walk-in's optional extras: who brought the family, a provision, partners at the inloop.

alice coordinates school A, pam works for the Werkwinkel, which holds a spreekuur at school A.
"""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familieschool.constants import AuditAction
from familieschool.models import AuditLog
from servicepunt.models import Contact, Provision
from tests.partners.factories import SpreekuurFactory
from tests.servicepunt.factories import (
    ContactFactory,
    default_contact_sources,
    default_provision_kinds,
)
from tests.servicepunt.test_views import WALKIN, walkin_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def werkwinkel_at_school_a(school_a, partner_p):
    return SpreekuurFactory(school=school_a, partner=partner_p)


def test_who_brought_the_family_is_one_tap_and_optional(alice_client, school_a, themes):
    teacher = default_contact_sources()["leerkracht"]

    alice_client.post(WALKIN, walkin_data(school_a, themes["werk"]))
    alice_client.post(WALKIN, walkin_data(school_a, themes["werk"], source=teacher.pk))

    assert list(Contact.objects.order_by("id").values_list("source", flat=True)) == [
        None,
        teacher.pk,
    ]
    assert "Leerkracht" in alice_client.get(WALKIN).content.decode()


def test_a_provision_is_registered_from_the_walkin_outcome(
    alice, alice_client, school_a, family_a, themes
):
    kind = default_provision_kinds()["boodschappentas"]

    response = alice_client.post(
        WALKIN,
        walkin_data(
            school_a,
            themes["materieel"],
            who="known",
            family=family_a.pk,
            family_term=family_a.code,
            provision_kind=kind.pk,
            provision_status="verstrekt",
        ),
    )

    assert response.status_code == 302
    contact = Contact.objects.get()
    provision = Provision.objects.get()
    assert (provision.family, provision.kind, provision.contact) == (family_a, kind, contact)
    assert AuditLog.objects.filter(
        user=alice, action=AuditAction.CREATE, object_type="servicepunt.provision"
    ).exists()


def test_an_anonymous_question_cannot_carry_a_provision(alice_client, school_a, themes):
    kind = default_provision_kinds()["boodschappentas"]

    response = alice_client.post(
        WALKIN, walkin_data(school_a, themes["materieel"], provision_kind=kind.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["provision_kind"]
    assert not Contact.objects.exists() and not Provision.objects.exists()


# --- partners at the inloop ----------------------------------------------------------------


def test_partner_staff_log_a_question_where_they_hold_a_spreekuur(
    pam, pam_client, school_a, partner_p, themes, werkwinkel_at_school_a
):
    assert pam_client.get(WALKIN).status_code == 200
    menu = pam_client.get(reverse("servicepunt:partner-referral-list")).content.decode()
    assert f'href="{WALKIN}"' in menu

    response = pam_client.post(WALKIN, walkin_data(school_a, themes["werk"]))

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.school, contact.answered_by_partner, contact.created_by) == (
        school_a,
        partner_p,
        pam,
    )
    assert contact.is_anonymous


def test_partner_staff_cannot_log_for_a_school_without_their_spreekuur(
    pam_client, school_b, themes, werkwinkel_at_school_a
):
    response = pam_client.post(WALKIN, walkin_data(school_b, themes["werk"]))

    assert response.status_code == 200
    assert response.context["form"].errors["school"]
    assert not Contact.objects.exists()


def test_a_spreekuur_that_ended_gives_no_walkin(pam_client, school_a, partner_p, themes):
    SpreekuurFactory(school=school_a, partner=partner_p, valid_until=date(2025, 1, 1))

    response = pam_client.post(WALKIN, walkin_data(school_a, themes["werk"]))

    assert "geen spreekuur" in response.content.decode()
    assert not Contact.objects.exists()


def test_partner_staff_do_not_register_families(
    pam_client, school_a, family_a, themes, werkwinkel_at_school_a
):
    response = pam_client.post(
        WALKIN,
        walkin_data(
            school_a, themes["werk"], who="known", family=family_a.pk, family_term=family_a.code
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["who"]
    assert not Contact.objects.exists()


def test_partner_staff_see_only_their_own_entries_of_today(
    pam_client, alice, school_a, family_a, themes, werkwinkel_at_school_a
):
    pam_client.post(WALKIN, walkin_data(school_a, themes["werk"], note="Eigenvraag"))
    ContactFactory(school=school_a, family=family_a, note="Coordinatorvraag", created_by=alice)

    page = pam_client.get(WALKIN)

    assert [contact.note for contact in page.context["today_contacts"]] == ["Eigenvraag"]
    assert family_a.code not in page.content.decode()


def test_a_coordinator_sees_a_partners_entry_like_her_own(
    alice_client, pam_client, school_a, themes, werkwinkel_at_school_a
):
    pam_client.post(WALKIN, walkin_data(school_a, themes["werk"]))
    contact = Contact.objects.get()

    page = alice_client.get(WALKIN)

    assert contact in page.context["today_contacts"]
    assert "Werkwinkel" in page.content.decode()
    assert (
        alice_client.get(reverse("servicepunt:contact-detail", args=[contact.pk])).status_code
        == 200
    )
    listed = alice_client.get(reverse("servicepunt:contact-list")).context["page"].object_list
    assert contact in list(listed)


def test_partner_staff_see_their_contacts_of_today_in_a_constant_number_of_queries(
    pam, pam_client, school_a, partner_p, themes, werkwinkel_at_school_a
):
    def logged(count):
        for _ in range(count):
            ContactFactory(
                school=school_a,
                created_by=pam,
                answered_by_partner=partner_p,
                themes=[themes["werk"]],
            )
        pam_client.get(WALKIN)
        with CaptureQueriesContext(connection) as context:
            response = pam_client.get(WALKIN)
        assert len(response.context["today_contacts"]) == Contact.objects.count()
        return len(context)

    assert logged(2) == logged(10)


def test_a_busy_day_lists_the_newest_and_links_the_rest(
    alice_client, school_a, themes, monkeypatch
):
    """The walk-in page lists the day's newest contacts, says how many there were in all and
    links the contact list of today, where every one of them is."""
    monkeypatch.setattr("servicepunt.views.TODAY_SHOWN", 3)
    now = timezone.now()
    made = [
        ContactFactory(
            school=school_a, occurred_at=now - timedelta(minutes=m), themes=[themes["werk"]]
        )
        for m in range(1, 6)
    ]
    ContactFactory(school=school_a, occurred_at=now - timedelta(days=1), themes=[themes["werk"]])

    page = alice_client.get(WALKIN)
    html = page.content.decode()

    assert page.context["today_contacts"] == made[:3]  # newest first
    assert page.context["today_total"] == 5
    assert '<span class="badge text-bg-secondary">5</span>' in html
    more = re.search(r'<p [^>]*id="today-more">(.*?)</p>', html, re.S).group(1)
    assert "De 3 nieuwste staan hier." in more
    link = re.search(r'href="([^"]+)">Alle 5 contacten van vandaag', more).group(1)
    listed = alice_client.get(link.replace("&amp;", "&")).context["page"]
    assert list(listed) == made


def test_a_quiet_day_lists_every_contact_without_a_link(alice_client, school_a, themes):
    ContactFactory(school=school_a, themes=[themes["werk"]])

    html = alice_client.get(WALKIN).content.decode()

    assert 'id="today-more"' not in html
    assert '<span class="badge text-bg-secondary">1</span>' in html
