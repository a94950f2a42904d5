from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from familieschool.constants import AuditAction
from familieschool.models import AuditLog, Family, Parent
from servicepunt import services
from servicepunt.constants import ConsentMethod, Outcome, ReferralStatus
from servicepunt.models import Contact, Referral, ReferralStatusChange
from servicepunt.selectors import referrals_for_partner
from tests.servicepunt.factories import ContactFactory, ReferralFactory, theme_link_schools

pytestmark = pytest.mark.django_db


def consent(**overrides):
    return {
        "consent_given_by": "Fatima (moeder)",
        "consent_method": ConsentMethod.VERBAL,
        "consent_date": timezone.localdate(),
        **overrides,
    }


def test_it_creates_an_anonymous_contact_with_several_themes(alice, school_a, themes):
    contact = services.contact_create(
        user=alice, school=school_a, themes=[themes["geldzaken"], themes["wonen"]]
    )

    assert contact.is_anonymous
    assert contact.created_by == alice
    assert set(contact.themes.values_list("code", flat=True)) == {"geldzaken", "wonen"}
    assert theme_link_schools() == [(school_a.pk, school_a.pk)] * 2
    log = AuditLog.objects.get()
    assert (log.action, log.object_type, log.object_id) == (
        AuditAction.CREATE,
        "servicepunt.contact",
        contact.pk,
    )


def test_it_refuses_a_contact_without_a_theme(alice, school_a, themes):
    with pytest.raises(ValidationError) as info:
        services.contact_create(user=alice, school=school_a, themes=[])

    assert "themes" in info.value.error_dict
    assert not Contact.objects.exists()
    assert not AuditLog.objects.exists()


def test_it_creates_a_new_family_inline_with_its_parent(alice, school_a, themes):
    contact = services.contact_create(
        user=alice,
        school=school_a,
        themes=[themes["opvoeding"]],
        new_family_code="N900",
        new_parent_first_name="Aisha",
    )

    family = Family.objects.get(code="N900")
    assert contact.family == family
    assert contact.parent.first_name == "Aisha"
    assert set(AuditLog.objects.values_list("object_type", flat=True)) == {
        "familieschool.family",
        "servicepunt.contact",
    }


def test_a_taken_family_code_leaves_nothing_behind(alice, school_a, family_a, themes):
    with pytest.raises(ValidationError) as info:
        services.contact_create(
            user=alice,
            school=school_a,
            themes=[themes["opvoeding"]],
            new_family_code=family_a.code,
            new_parent_first_name="Aisha",
        )

    assert "new_family_code" in info.value.error_dict
    assert not Contact.objects.exists()
    assert not Parent.objects.filter(first_name="Aisha").exists()


def test_it_refuses_a_family_of_another_school(alice, school_a, family_b, themes):
    with pytest.raises(ValidationError):
        services.contact_create(
            user=alice, school=school_a, themes=[themes["wonen"]], family=family_b
        )
    assert not Contact.objects.exists()


def test_a_follow_up_needs_a_date(alice, school_a, themes):
    with pytest.raises(ValidationError) as info:
        services.contact_create(
            user=alice, school=school_a, themes=[themes["wonen"]], outcome=Outcome.FOLLOW_UP
        )
    assert "follow_up_on" in info.value.error_dict


def test_updating_a_contact_writes_a_change_row(alice, school_a, family_a, themes):
    contact = ContactFactory(school=school_a, family=family_a)

    services.contact_update(
        contact=contact,
        user=alice,
        occurred_at=contact.occurred_at,
        channel=contact.channel,
        themes=[themes["werk"]],
        parent=contact.parent,
        child=contact.child,
        language=contact.language,
        interpreter=contact.interpreter,
        source=contact.source,
        note="  Belt terug.  ",
        outcome=Outcome.FOLLOW_UP,
        follow_up_on=timezone.localdate() + timedelta(days=3),
        follow_up_done=False,
    )

    contact.refresh_from_db()
    assert contact.note == "Belt terug."
    assert list(contact.themes.values_list("code", flat=True)) == ["werk"]
    assert theme_link_schools() == [(school_a.pk, school_a.pk)]
    assert AuditLog.objects.get().action == AuditAction.CHANGE


def test_it_refuses_a_referral_without_consent(alice, school_a, family_a, partner_p, themes):
    contact = ContactFactory(school=school_a, family=family_a)

    with pytest.raises(ValidationError) as info:
        services.referral_create(
            contact=contact,
            partner=partner_p,
            user=alice,
            **consent(consent_given_by="", consent_method="", consent_date=None),
        )

    errors = info.value.message_dict
    assert "Geen toestemming, geen doorverwijzing" in " ".join(errors["__all__"])
    assert {"consent_given_by", "consent_method", "consent_date"} <= set(errors)
    assert not Referral.objects.exists()
    assert not ReferralStatusChange.objects.exists()


def test_a_referral_records_its_first_status_and_marks_the_contact(
    alice, school_a, family_a, parent_a, partner_p, themes
):
    contact = ContactFactory(school=school_a, family=family_a, parent=parent_a)

    referral = services.referral_create(
        contact=contact, partner=partner_p, user=alice, warm_handover=True, **consent()
    )

    assert referral.status == ReferralStatus.REGISTERED
    assert (referral.school, referral.family, referral.parent) == (school_a, family_a, parent_a)
    assert list(referral.themes.all()) == list(contact.themes.all())
    change = referral.status_changes.get()
    assert (change.status, change.changed_by) == (ReferralStatus.REGISTERED, alice)
    contact.refresh_from_db()
    assert contact.outcome == Outcome.REFERRED
    assert AuditLog.objects.filter(object_type="servicepunt.referral").count() == 1


def test_consent_cannot_be_dated_in_the_future(alice, school_a, partner_p, themes):
    contact = ContactFactory(school=school_a)
    with pytest.raises(ValidationError):
        services.referral_create(
            contact=contact,
            partner=partner_p,
            user=alice,
            **consent(consent_date=timezone.localdate() + timedelta(days=1)),
        )
    assert not Referral.objects.exists()


def test_each_status_change_is_stored_with_user_and_time(alice, pam, partner_p, school_a, themes):
    referral = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)

    services.referral_set_status(
        referral=referral, status=ReferralStatus.APPOINTMENT_PLANNED, user=pam
    )
    services.referral_set_status(
        referral=referral, status=ReferralStatus.IN_PROGRESS, user=alice, outcome_note="Gestart"
    )

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IN_PROGRESS
    assert referral.outcome_note == "Gestart"
    history = list(referral.status_changes.values_list("status", "changed_by__username"))
    assert history == [
        (ReferralStatus.REGISTERED, None),
        (ReferralStatus.APPOINTMENT_PLANNED, "pam"),
        (ReferralStatus.IN_PROGRESS, "alice"),
    ]
    assert all(change.changed_at for change in referral.status_changes.all())


def test_it_refuses_a_transition_the_lifecycle_does_not_allow(pam, partner_p, school_a, themes):
    referral = ReferralFactory(
        contact=ContactFactory(school=school_a),
        partner=partner_p,
        status=ReferralStatus.COMPLETED,
    )

    with pytest.raises(ValidationError) as info:
        services.referral_set_status(referral=referral, status=ReferralStatus.IN_PROGRESS, user=pam)

    assert "status" in info.value.error_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.status_changes.count() == 1


def test_a_status_update_cannot_withdraw(pam, partner_p, school_a, themes):
    referral = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    with pytest.raises(ValidationError):
        services.referral_set_status(referral=referral, status=ReferralStatus.WITHDRAWN, user=pam)


def test_withdrawing_consent_takes_the_referral_out_of_the_partners_sight(
    alice, pam, partner_p, school_a, themes
):
    referral = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    assert list(referrals_for_partner(pam)) == [referral]

    services.referral_withdraw_consent(referral=referral, user=alice)

    referral.refresh_from_db()
    assert referral.consent_withdrawn_at is not None
    assert referral.status == ReferralStatus.WITHDRAWN
    assert referral.status_changes.last().changed_by == alice
    assert list(referrals_for_partner(pam)) == []
    with pytest.raises(ValidationError):
        services.referral_set_status(
            referral=referral, status=ReferralStatus.APPOINTMENT_PLANNED, user=pam
        )


def test_consent_cannot_be_withdrawn_twice(alice, partner_p, school_a, themes):
    referral = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    services.referral_withdraw_consent(referral=referral, user=alice)

    with pytest.raises(ValidationError):
        services.referral_withdraw_consent(referral=referral, user=alice)
    assert referral.status_changes.count() == 2
