import pytest
from django.utils import timezone

from familieschool.constants import Role
from familieschool.models import OutboxMessage
from servicepunt.constants import ConsentMethod
from servicepunt.services import referral_create, referral_withdraw_consent
from servicepunt.tasks import notify_referral_created
from tests.familieschool.factories import FamilyFactory, ParentFactory, UserFactory
from tests.servicepunt.factories import ContactFactory, ThemeFactory


@pytest.fixture
def contact(school_a, alice):
    family = FamilyFactory(school=school_a, code="SCH-17")
    parent = ParentFactory(family=family, first_name="Fatima", last_name="El Amrani")
    theme = ThemeFactory(code="geldzaken", name="Geldzaken en schulden")
    return ContactFactory(school=school_a, family=family, parent=parent, themes=[theme])


@pytest.fixture
def staff(pam, otto, settings):
    settings.SITE_URL = "https://portal.example"
    pam.email = "pam@werkwinkel.example"
    pam.save()
    otto.email = "otto@buurtteam.example"
    otto.save()


def refer(contact, partner, alice, **fields):
    return referral_create(
        contact=contact,
        partner=partner,
        user=alice,
        consent_given_by="Fatima (moeder)",
        consent_method=ConsentMethod.VERBAL,
        consent_date=timezone.localdate(),
        **fields,
    )


def test_a_new_referral_tells_the_partners_staff_after_the_commit(
    contact, partner_p, alice, staff, mailoutbox, run_on_commit
):
    with run_on_commit():
        referral = refer(contact, partner_p, alice, warm_handover=True)
        assert mailoutbox == []

    [email] = mailoutbox
    assert email.to == ["pam@werkwinkel.example"]
    assert email.subject == "Nieuwe doorverwijzing van De Schakel"
    assert "met een warme overdracht doorverwezen naar Werkwinkel" in email.body
    assert "https://portal.example/servicepunt/partner/" in email.body
    assert email.alternatives[0][1] == "text/html"
    for text in (email.subject, email.body, email.alternatives[0][0]):
        for secret in ("SCH-17", "Fatima", "Amrani", "Geldzaken", "moeder"):
            assert secret not in text
    assert OutboxMessage.objects.get().kwargs == {"referral_id": referral.pk}


def test_a_referral_whose_consent_was_withdrawn_meanwhile_sends_nothing(
    contact, partner_p, alice, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        referral = refer(contact, partner_p, alice)
    referral_withdraw_consent(referral=referral, user=alice)
    for callback in callbacks:
        callback()
    assert mailoutbox == []


def test_without_staff_the_partners_contact_address_gets_it(
    contact, partner_o, alice, otto, mailoutbox, run_on_commit
):
    otto.role = Role.PARTNER
    otto.email = ""
    otto.save()
    partner_o.contact_email = "info@buurtteam.example"
    partner_o.save()
    with run_on_commit():
        refer(contact, partner_o, alice)
    assert [m.to for m in mailoutbox] == [["info@buurtteam.example"]]


def test_a_duplicated_task_sends_once_per_recipient(
    contact, partner_p, alice, staff, mailoutbox, run_on_commit
):
    UserFactory(
        username="petra", role=Role.PARTNER, organisation=partner_p, email="petra@w.example"
    )
    with run_on_commit():
        referral = refer(contact, partner_p, alice)
    assert notify_referral_created.apply(kwargs={"referral_id": referral.pk}).get() == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["pam@werkwinkel.example", "petra@w.example"]
