from datetime import timedelta

import pytest
from django.utils import timezone, translation

from familieschool.timeline import family_timeline
from servicepunt import selectors
from servicepunt.constants import Channel, Outcome, ReferralStatus
from tests.familieschool.factories import ChildFactory, ParentFactory
from tests.servicepunt.factories import ContactFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_sees_only_the_contacts_of_her_schools(alice, school_a, school_b, themes):
    own = ContactFactory(school=school_a)
    ContactFactory(school=school_b)

    assert list(selectors.contacts_for_user(alice)) == [own]


def test_todays_contacts_leave_out_yesterday(alice, school_a, themes):
    today = ContactFactory(school=school_a)
    ContactFactory(school=school_a, occurred_at=timezone.now() - timedelta(days=1))

    assert list(selectors.contacts_of_today(user=alice)) == [today]


def test_todays_contacts_stay_within_her_schools_whatever_schools_are_passed(
    alice, school_a, school_b, themes
):
    own = ContactFactory(school=school_a)
    ContactFactory(school=school_b)

    passed = selectors.contacts_of_today(user=alice, schools=[school_a, school_b])

    assert list(passed) == [own]


def test_todays_contacts_carry_their_themes_and_translated_labels(alice, school_a, themes):
    ContactFactory(
        school=school_a,
        themes=[themes["wonen"], themes["geldzaken"]],
        channel=Channel.PHONE,
        outcome=Outcome.REFERRED,
    )

    with translation.override("nl"):
        [row] = selectors.contact_labels(selectors.contacts_of_today(user=alice))

        assert row.channel_label == str(Channel.PHONE.label)
        assert row.outcome_label == str(Outcome.REFERRED.label)
        assert row.channel_label != "Phone"
    assert [theme.name for theme in row.theme_list] == [
        theme.name for theme in sorted([themes["wonen"], themes["geldzaken"]], key=_theme_order)
    ]


def _theme_order(theme):
    return (theme.sort_order, theme.name)


def test_a_partner_sees_only_referrals_to_its_own_organisation(
    pam, partner_p, partner_o, school_a, school_b, themes
):
    at_a = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    at_b = ReferralFactory(contact=ContactFactory(school=school_b), partner=partner_p)
    ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_o)
    ReferralFactory(
        contact=ContactFactory(school=school_a),
        partner=partner_p,
        status=ReferralStatus.WITHDRAWN,
    )

    assert set(selectors.partner_referrals(pam)) == {at_a, at_b}


def test_a_coordinator_has_no_partner_referrals(alice, partner_p, school_a, themes):
    ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    assert list(selectors.referrals_for_partner(alice)) == []


def test_open_referrals_put_overdue_follow_ups_first(alice, partner_p, school_a, themes):
    today = timezone.localdate()
    later = ReferralFactory(
        contact=ContactFactory(school=school_a),
        partner=partner_p,
        follow_up_on=today + timedelta(days=3),
    )
    overdue = ReferralFactory(
        contact=ContactFactory(school=school_a),
        partner=partner_p,
        follow_up_on=today - timedelta(days=1),
    )
    ReferralFactory(
        contact=ContactFactory(school=school_a),
        partner=partner_p,
        status=ReferralStatus.COMPLETED,
        follow_up_on=today - timedelta(days=9),
    )

    rows = list(selectors.open_referrals_for_coordinator(alice))

    assert rows == [overdue, later]
    assert [row.is_overdue for row in rows] == [True, False]


def test_partners_are_suggested_by_how_many_themes_they_cover(partner_p, partner_o, themes):
    themes["geldzaken"].suggested_partners.add(partner_p, partner_o)
    themes["werk"].suggested_partners.add(partner_p)

    suggested = list(selectors.suggested_partners([themes["geldzaken"], themes["werk"]]))

    assert suggested == [partner_p, partner_o]
    assert list(selectors.suggested_partners([themes["wonen"]])) == []


def test_the_family_lookup_stays_within_the_coordinators_schools(
    alice, family_a, parent_a, family_b, themes
):
    ParentFactory(family=family_b, first_name="Fatima")
    ChildFactory(family=family_a, first_name="Sara")

    found = selectors.family_lookup(user=alice, term="Fat")

    assert found == [family_a]
    assert [p.first_name for p in found[0].parents.all()] == ["Fatima"]
    assert [c.first_name for c in found[0].children.all()] == ["Sara"]


def test_the_family_timeline_holds_its_contacts_and_referrals(
    family_a, school_a, partner_p, themes
):
    contact = ContactFactory(school=school_a, family=family_a)
    ReferralFactory(contact=contact, partner=partner_p)
    ContactFactory(school=school_a)

    kinds = sorted(entry.kind for entry in family_timeline(family_a))

    assert kinds == ["contact", "referral"]


def test_follow_up_counts_gives_per_school_what_awaits_follow_up(
    school_a, school_b, partner_p, themes
):
    from servicepunt.constants import Outcome

    today = timezone.localdate()
    old = timezone.now() - timedelta(days=20)
    contact = ContactFactory(school=school_a)
    ReferralFactory(contact=contact, partner=partner_p, follow_up_on=today - timedelta(days=1))
    ReferralFactory(contact=contact, partner=partner_p, status_changed_at=old)
    ReferralFactory(
        contact=contact, partner=partner_p, status=ReferralStatus.COMPLETED, status_changed_at=old
    )
    ContactFactory(school=school_a, outcome=Outcome.FOLLOW_UP, follow_up_on=today)
    ContactFactory(school=school_b)

    counts = selectors.follow_up_counts(
        today=today, stale_before=timezone.now() - timedelta(days=14)
    )

    assert counts == {
        school_a.pk: {"overdue_referrals": 1, "stale_referrals": 1, "due_contacts": 1}
    }
    assert selectors.follow_up_counts(today=today, stale_before=old, schools=[school_b]) == {}
