"""Fixtures of the partner tests: pam's Werkwinkel holds a Monday spreekuur at alice's school."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from familieschool.constants import Weekday
from tests.partners.factories import SpreekuurFactory
from tests.servicepunt.factories import ContactFactory, ReferralFactory

# A Monday without holidays, and a moment in the week before it.
MONDAY = date(2026, 11, 30)
NOW = timezone.make_aware(datetime(2026, 11, 23, 12, 0))


@pytest.fixture
def werkwinkel_a(partner_p, school_a, pam):
    """Werkwinkel at De Schakel, Mondays 9:00-10:00 in slots of 20 minutes, staffed by pam."""
    return SpreekuurFactory(
        partner=partner_p,
        school=school_a,
        weekday=Weekday.MONDAY,
        start_time=time(9, 0),
        end_time=time(10, 0),
        slot_minutes=20,
        room="Ouderkamer",
        staff=[pam],
    )


@pytest.fixture
def contact_a(school_a, family_a, parent_a):
    return ContactFactory(school=school_a, family=family_a, parent=parent_a)


@pytest.fixture
def referral_a(school_a, family_a, parent_a, partner_p):
    return ReferralFactory(
        contact__school=school_a,
        contact__family=family_a,
        contact__parent=parent_a,
        partner=partner_p,
        status_history=False,
    )
