from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from familieschool.constants import AuditAction, HolidayRegion
from familieschool.models import AuditLog
from partners.constants import AppointmentStatus
from partners.models import Appointment, SpreekuurCancellation
from partners.services import (
    appointment_book,
    appointment_set_status,
    calendar_token_renew,
    spreekuur_cancel_date,
    spreekuur_restore_date,
)
from servicepunt.constants import ReferralStatus
from servicepunt.models import ReferralStatusChange
from tests.partners.conftest import MONDAY, NOW
from tests.partners.factories import (
    AppointmentFactory,
    SchoolHolidayFactory,
    SpreekuurCancellationFactory,
)
from tests.servicepunt.factories import ContactFactory, ReferralFactory, ThemeFactory

NINE, NINE_TWENTY = time(9, 0), time(9, 20)


def book(spreekuur, user, day=MONDAY, at=NINE, **kwargs):
    return appointment_book(
        user=user, spreekuur=spreekuur, day=day, start_time=at, now=NOW, **kwargs
    )


def messages_of(excinfo) -> list[str]:
    return excinfo.value.messages


# --- booking -----------------------------------------------------------------------------


def test_it_books_the_parent_of_a_contact_into_a_free_time(werkwinkel_a, alice, contact_a):
    theme = ThemeFactory(code="geldzaken", name="Geldzaken")
    appointment = book(werkwinkel_a, alice, contact=contact_a, theme=theme)

    appointment.refresh_from_db()
    assert (appointment.date, appointment.start_time) == (MONDAY, NINE)
    assert appointment.status == AppointmentStatus.PLANNED
    assert appointment.family == contact_a.family
    assert appointment.parent == contact_a.parent
    assert appointment.contact == contact_a
    assert appointment.theme == theme
    assert appointment.created_by == alice
    log = AuditLog.objects.get(object_type="partners.appointment")
    assert (log.action, log.object_id, log.family_id) == (
        AuditAction.CREATE,
        appointment.pk,
        contact_a.family_id,
    )


def test_it_refuses_a_double_booking_with_a_clear_dutch_message(werkwinkel_a, alice, contact_a):
    book(werkwinkel_a, alice, contact=contact_a)
    with pytest.raises(ValidationError) as excinfo:
        book(werkwinkel_a, alice, contact=contact_a)
    assert messages_of(excinfo) == ["Deze tijd is al geboekt. Kies een andere tijd."]
    assert Appointment.objects.count() == 1


def test_the_database_refuses_a_double_booking_that_slipped_past_the_check(
    werkwinkel_a, alice, contact_a, monkeypatch
):
    book(werkwinkel_a, alice, contact=contact_a)
    # Two coordinators at once: both checks saw a free time before either saved.
    monkeypatch.setattr("partners.services._taken", lambda *args, **kwargs: False)
    monkeypatch.setattr(Appointment, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as excinfo:
        book(werkwinkel_a, alice, contact=contact_a)
    assert messages_of(excinfo) == ["Deze tijd is al geboekt. Kies een andere tijd."]
    assert Appointment.objects.count() == 1


def test_a_cancelled_appointment_frees_its_time(werkwinkel_a, alice, contact_a):
    first = book(werkwinkel_a, alice, contact=contact_a)
    appointment_set_status(
        appointment=first, status=AppointmentStatus.CANCELLED, user=alice, today=MONDAY
    )
    second = book(werkwinkel_a, alice, contact=contact_a)
    assert second.pk != first.pk
    assert Appointment.objects.exclude(status=AppointmentStatus.CANCELLED).get() == second


def test_another_time_of_the_same_spreekuur_can_be_booked(werkwinkel_a, alice, contact_a):
    book(werkwinkel_a, alice, contact=contact_a)
    book(werkwinkel_a, alice, contact=contact_a, at=NINE_TWENTY)
    assert Appointment.objects.count() == 2


@pytest.mark.parametrize(
    ("day", "at", "message"),
    [
        (MONDAY, time(9, 10), "Kies een van de aangeboden tijden."),
        (MONDAY, time(9, 40), None),  # the last slot that ends in time
        (MONDAY, time(10, 0), "Kies een van de aangeboden tijden."),
        (MONDAY + timedelta(days=1), NINE, "Op deze datum is er geen spreekuur."),
        (date(2026, 11, 16), NINE, "Deze tijd is al voorbij."),
    ],
)
def test_it_only_books_an_offered_time_of_a_coming_occurrence(
    werkwinkel_a, alice, contact_a, day, at, message
):
    if message is None:
        assert book(werkwinkel_a, alice, day=day, at=at, contact=contact_a).pk
        return
    with pytest.raises(ValidationError) as excinfo:
        book(werkwinkel_a, alice, day=day, at=at, contact=contact_a)
    assert messages_of(excinfo) == [message]
    assert not Appointment.objects.exists()


def test_it_refuses_a_cancelled_date_and_a_holiday(werkwinkel_a, alice, contact_a):
    SpreekuurCancellationFactory(spreekuur=werkwinkel_a, date=MONDAY)
    SchoolHolidayFactory(
        region=werkwinkel_a.school.holiday_region, start=date(2026, 12, 5), end=date(2026, 12, 13)
    )
    for day in (MONDAY, date(2026, 12, 7)):
        with pytest.raises(ValidationError) as excinfo:
            book(werkwinkel_a, alice, day=day, contact=contact_a)
        assert messages_of(excinfo) == ["Op deze datum is er geen spreekuur."]
    assert book(werkwinkel_a, alice, day=date(2026, 12, 14), contact=contact_a).pk


def test_a_holiday_of_another_region_does_not_stop_the_booking(werkwinkel_a, alice, contact_a):
    assert werkwinkel_a.school.holiday_region == HolidayRegion.MIDDLE
    SchoolHolidayFactory(region=HolidayRegion.SOUTH, start=MONDAY, end=MONDAY)
    assert book(werkwinkel_a, alice, contact=contact_a).pk


def test_a_walk_in_spreekuur_cannot_be_booked(werkwinkel_a, alice, contact_a):
    werkwinkel_a.slot_minutes = None
    werkwinkel_a.save()
    with pytest.raises(ValidationError) as excinfo:
        book(werkwinkel_a, alice, contact=contact_a)
    assert messages_of(excinfo) == ["Bij dit spreekuur kun je geen tijden boeken."]


def test_a_contact_of_another_school_cannot_be_booked_here(werkwinkel_a, alice, school_b):
    contact_b = ContactFactory(school=school_b)
    with pytest.raises(ValidationError):
        book(werkwinkel_a, alice, contact=contact_b)
    assert not Appointment.objects.exists()


def test_an_anonymous_contact_is_booked_without_a_name(werkwinkel_a, alice, school_a):
    appointment = book(werkwinkel_a, alice, contact=ContactFactory(school=school_a))
    assert (appointment.family, appointment.parent) == (None, None)
    assert not AuditLog.objects.exists()


# --- booking from a referral ---------------------------------------------------------------


def test_booking_from_a_referral_moves_it_to_appointment_planned(werkwinkel_a, alice, referral_a):
    appointment = book(werkwinkel_a, alice, referral=referral_a)

    referral_a.refresh_from_db()
    assert appointment.referral == referral_a
    assert appointment.contact == referral_a.contact
    assert appointment.parent == referral_a.parent
    assert referral_a.status == ReferralStatus.APPOINTMENT_PLANNED
    change = ReferralStatusChange.objects.filter(referral=referral_a).latest("changed_at", "id")
    assert (change.status, change.changed_by) == (ReferralStatus.APPOINTMENT_PLANNED, alice)


def test_a_second_appointment_after_a_no_show_plans_the_referral_again(
    werkwinkel_a, alice, referral_a
):
    referral_a.status = ReferralStatus.NOT_REACHED
    referral_a.save()
    book(werkwinkel_a, alice, referral=referral_a)
    referral_a.refresh_from_db()
    assert referral_a.status == ReferralStatus.APPOINTMENT_PLANNED


def test_a_referral_in_progress_keeps_its_status(werkwinkel_a, alice, referral_a):
    referral_a.status = ReferralStatus.IN_PROGRESS
    referral_a.save()
    book(werkwinkel_a, alice, referral=referral_a)
    referral_a.refresh_from_db()
    assert referral_a.status == ReferralStatus.IN_PROGRESS
    assert not ReferralStatusChange.objects.filter(referral=referral_a).exists()


def test_a_referral_to_another_partner_cannot_be_booked_here(
    werkwinkel_a, alice, school_a, family_a, partner_o
):
    to_buurtteam = ReferralFactory(
        contact__school=school_a, contact__family=family_a, partner=partner_o
    )
    with pytest.raises(ValidationError) as excinfo:
        book(werkwinkel_a, alice, referral=to_buurtteam)
    assert "partner waarnaar is doorverwezen" in messages_of(excinfo)[0]
    to_buurtteam.refresh_from_db()
    assert to_buurtteam.status == ReferralStatus.REGISTERED
    assert not Appointment.objects.exists()


def test_a_referral_without_standing_consent_or_closed_cannot_be_booked(
    werkwinkel_a, alice, referral_a
):
    referral_a.status = ReferralStatus.WITHDRAWN
    referral_a.save()
    with pytest.raises(ValidationError) as excinfo:
        book(werkwinkel_a, alice, referral=referral_a)
    assert "toestemming" in messages_of(excinfo)[0]

    referral_a.status = ReferralStatus.COMPLETED
    referral_a.save()
    with pytest.raises(ValidationError) as excinfo:
        book(werkwinkel_a, alice, referral=referral_a)
    assert "afgesloten" in messages_of(excinfo)[0]
    assert not Appointment.objects.exists()


# --- appointment status --------------------------------------------------------------------


@pytest.fixture
def appointment_a(werkwinkel_a, family_a, parent_a):
    return AppointmentFactory(
        spreekuur=werkwinkel_a, date=MONDAY, start_time=NINE, family=family_a, parent=parent_a
    )


@pytest.mark.parametrize("status", [AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW])
def test_the_partner_records_whether_the_parent_came(appointment_a, pam, status):
    result = appointment_set_status(
        appointment=appointment_a, status=status, user=pam, today=MONDAY
    )
    appointment_a.refresh_from_db()
    assert result.status == appointment_a.status == status
    log = AuditLog.objects.get(object_type="partners.appointment")
    assert (log.user, log.action, log.family_id) == (
        pam,
        AuditAction.CHANGE,
        appointment_a.family_id,
    )


def test_attendance_cannot_be_recorded_before_the_day(appointment_a, pam):
    with pytest.raises(ValidationError) as excinfo:
        appointment_set_status(
            appointment=appointment_a,
            status=AppointmentStatus.ATTENDED,
            user=pam,
            today=MONDAY - timedelta(days=1),
        )
    assert excinfo.value.message_dict == {
        "status": ["Of de ouder gekomen is, kun je vanaf de dag zelf vastleggen."]
    }
    appointment_a.refresh_from_db()
    assert appointment_a.status == AppointmentStatus.PLANNED


def test_an_unknown_status_is_refused(appointment_a, alice):
    with pytest.raises(ValidationError):
        appointment_set_status(appointment=appointment_a, status="weg", user=alice, today=MONDAY)
    appointment_a.refresh_from_db()
    assert appointment_a.status == AppointmentStatus.PLANNED


def test_reopening_a_cancelled_appointment_whose_time_was_taken_is_refused(
    appointment_a, werkwinkel_a, alice
):
    appointment_set_status(
        appointment=appointment_a, status=AppointmentStatus.CANCELLED, user=alice, today=MONDAY
    )
    AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY, start_time=NINE)
    with pytest.raises(ValidationError) as excinfo:
        appointment_set_status(
            appointment=appointment_a, status=AppointmentStatus.PLANNED, user=alice, today=MONDAY
        )
    assert excinfo.value.message_dict == {
        "status": ["Deze tijd is intussen door iemand anders geboekt."]
    }
    appointment_a.refresh_from_db()
    assert appointment_a.status == AppointmentStatus.CANCELLED


# --- cancelled dates -----------------------------------------------------------------------


def test_cancelling_a_date_cancels_its_planned_appointments(appointment_a, werkwinkel_a, alice):
    attended_other_week = AppointmentFactory(
        spreekuur=werkwinkel_a, date=MONDAY + timedelta(days=7), start_time=NINE
    )
    cancellation, count = spreekuur_cancel_date(
        spreekuur=werkwinkel_a, day=MONDAY, reason=" Studiedag ", user=alice, today=NOW.date()
    )
    assert (cancellation.date, cancellation.reason, count) == (MONDAY, "Studiedag", 1)
    appointment_a.refresh_from_db()
    attended_other_week.refresh_from_db()
    assert appointment_a.status == AppointmentStatus.CANCELLED
    assert attended_other_week.status == AppointmentStatus.PLANNED


@pytest.mark.parametrize(
    ("day", "reason", "errors"),
    [
        (MONDAY, "  ", {"reason": ["Geef een reden op, zodat collega's weten waarom."]}),
        (MONDAY + timedelta(days=1), "Ziek", {"date": ["Op deze datum is er geen spreekuur."]}),
        (
            date(2026, 11, 16),
            "Ziek",
            {"date": ["Een datum in het verleden kan niet meer vervallen."]},
        ),
    ],
)
def test_a_date_is_only_cancelled_with_a_reason_on_a_coming_occurrence(
    werkwinkel_a, alice, day, reason, errors
):
    with pytest.raises(ValidationError) as excinfo:
        spreekuur_cancel_date(
            spreekuur=werkwinkel_a, day=day, reason=reason, user=alice, today=NOW.date()
        )
    assert excinfo.value.message_dict == errors
    assert not SpreekuurCancellation.objects.exists()


def test_a_date_cannot_be_cancelled_twice(werkwinkel_a, alice):
    spreekuur_cancel_date(
        spreekuur=werkwinkel_a, day=MONDAY, reason="Ziek", user=alice, today=NOW.date()
    )
    with pytest.raises(ValidationError) as excinfo:
        spreekuur_cancel_date(
            spreekuur=werkwinkel_a, day=MONDAY, reason="Ziek", user=alice, today=NOW.date()
        )
    assert excinfo.value.message_dict == {"date": ["Deze datum is al vervallen."]}
    assert SpreekuurCancellation.objects.count() == 1


def test_restoring_a_date_removes_the_cancellation(werkwinkel_a, alice):
    cancellation = SpreekuurCancellationFactory(spreekuur=werkwinkel_a, date=MONDAY)
    spreekuur_restore_date(cancellation=cancellation, user=alice)
    assert not SpreekuurCancellation.objects.exists()


# --- calendar token ------------------------------------------------------------------------


def test_renewing_the_calendar_token_replaces_it(pam):
    first = calendar_token_renew(user=pam)
    second = calendar_token_renew(user=pam)
    pam.refresh_from_db()
    assert first != second
    assert pam.calendar_token == second
    assert len(second) >= 40
