from datetime import timedelta

import pytest
from django.utils import timezone

from servicepunt.constants import Outcome, ReferralStatus
from servicepunt.tasks import send_coordinator_digests
from tests.familieschool.factories import FamilyFactory, ParentFactory, UserFactory
from tests.servicepunt.factories import ContactFactory, ReferralFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def records(alice, bob, school_a, school_b, partner_p, today, settings):
    settings.SITE_URL = "https://portal.example"
    alice.email = "alice@deschakel.example"
    alice.save()
    bob.email = "bob@spoorzicht.example"
    bob.save()
    family = FamilyFactory(school=school_a, code="SCH-17")
    parent = ParentFactory(family=family, first_name="Fatima", last_name="El Amrani")
    contact = ContactFactory(school=school_a, family=family, parent=parent, note="schulden")
    old = timezone.now() - timedelta(days=15)
    # school A: one referral past its follow-up date, two without a change for 15 days
    ReferralFactory(contact=contact, partner=partner_p, follow_up_on=today - timedelta(days=1))
    ReferralFactory(contact=contact, partner=partner_p, status_changed_at=old)
    ReferralFactory(
        contact=contact,
        partner=partner_p,
        status=ReferralStatus.IN_PROGRESS,
        status_changed_at=old,
        follow_up_on=today,
    )
    # neither: fresh, or closed
    ReferralFactory(contact=contact, partner=partner_p, follow_up_on=today + timedelta(days=3))
    ReferralFactory(
        contact=contact,
        partner=partner_p,
        status=ReferralStatus.COMPLETED,
        status_changed_at=old,
        follow_up_on=today - timedelta(days=9),
    )
    # contacts: one due today, one overdue, one done, one later
    due = {"outcome": Outcome.FOLLOW_UP, "school": school_a}
    ContactFactory(**due, follow_up_on=today)
    ContactFactory(**due, follow_up_on=today - timedelta(days=2))
    ContactFactory(**due, follow_up_on=today - timedelta(days=2), follow_up_done=True)
    ContactFactory(**due, follow_up_on=today + timedelta(days=1))
    # school B: one overdue referral
    ReferralFactory(
        contact__school=school_b, partner=partner_p, follow_up_on=today - timedelta(days=1)
    )


def run(run_on_commit, today):
    with run_on_commit():
        return send_coordinator_digests.apply(kwargs={"day": today.isoformat()}).get()


def email_to(mailoutbox, address):
    [email] = [m for m in mailoutbox if m.to == [address]]
    return email


def test_each_coordinator_gets_the_counts_of_her_own_schools(
    records, mailoutbox, run_on_commit, today
):
    assert run(run_on_commit, today) == 2

    email = email_to(mailoutbox, "alice@deschakel.example")
    assert "Om op te volgen" in email.subject
    assert "De Schakel" in email.body
    assert "OBO Spoorzicht" not in email.body
    assert "Doorverwijzingen waarvan de opvolgdatum verstreken is: 1" in email.body
    assert "Doorverwijzingen zonder statuswijziging sinds 14 dagen of langer: 2" in email.body
    assert "Contacten met een opvolging die nu aan de beurt is: 2" in email.body
    assert "https://portal.example/servicepunt/doorverwijzingen/" in email.body
    assert "https://portal.example/servicepunt/contacten/?outcome=follow_up" in email.body
    assert email.alternatives[0][1] == "text/html"
    assert "De Schakel" in email.alternatives[0][0]

    other = email_to(mailoutbox, "bob@spoorzicht.example")
    assert "OBO Spoorzicht" in other.body
    assert "De Schakel" not in other.body
    assert "Doorverwijzingen waarvan de opvolgdatum verstreken is: 1" in other.body


def test_the_digest_names_no_family_parent_or_note(records, mailoutbox, run_on_commit, today):
    run(run_on_commit, today)
    email = email_to(mailoutbox, "alice@deschakel.example")
    for text in (email.subject, email.body, email.alternatives[0][0]):
        for secret in ("SCH-17", "Fatima", "Amrani", "schulden"):
            assert secret not in text


def test_the_stale_period_is_a_setting(records, mailoutbox, run_on_commit, today, settings):
    settings.REFERRAL_STALE_DAYS = 20
    run(run_on_commit, today)
    email = email_to(mailoutbox, "alice@deschakel.example")
    assert "sinds 20 dagen of langer: 0" in email.body


def test_a_coordinator_with_nothing_to_follow_up_gets_no_email(
    records, school_b, mailoutbox, run_on_commit, today
):
    from tests.familieschool.factories import SchoolFactory

    quiet_school = SchoolFactory(name="Joannes XXIII")
    UserFactory(username="carla", email="carla@joannes.example", schools=[quiet_school])
    run(run_on_commit, today)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "alice@deschakel.example",
        "bob@spoorzicht.example",
    ]


def test_the_digest_goes_out_once_a_day(records, mailoutbox, run_on_commit, today):
    run(run_on_commit, today)
    assert run(run_on_commit, today) == 0
    assert len(mailoutbox) == 2
    run(run_on_commit, today + timedelta(days=1))
    assert len(mailoutbox) == 4


def test_by_default_the_digest_is_about_today(records, mailoutbox, run_on_commit):
    with run_on_commit():
        assert send_coordinator_digests.apply().get() == 2
    assert len(mailoutbox) == 2


def test_the_digest_tells_her_what_partners_changed_since_yesterday(
    alice, pam, school_a, partner_p, mailoutbox, run_on_commit, today, settings
):
    from servicepunt.services import referral_set_status

    settings.SITE_URL = "https://portal.example"
    alice.email = "alice@deschakel.example"
    alice.save()
    referral = ReferralFactory(contact__school=school_a, partner=partner_p)
    referral_set_status(referral=referral, status=ReferralStatus.COMPLETED, user=pam)

    assert run(run_on_commit, today) == 1

    email = email_to(mailoutbox, "alice@deschakel.example")
    assert "Statuswijzigingen door een partner in de afgelopen dag: 1" in email.body
