from datetime import timedelta

from django.utils import timezone

from tests.partners.factories import (
    AppointmentFactory,
    SpreekuurCancellationFactory,
    SpreekuurFactory,
)
from tests.permission_table import ROLES, C, P, Row, only
from tests.servicepunt.factories import ContactFactory, ReferralFactory


def _spreekuur(w):
    return SpreekuurFactory(school=w.objects.school, partner=w.objects.partner)


def _spreekuur_id(w):
    return {"pk": _spreekuur(w).pk}


def _cancellation_id(w):
    day = timezone.localdate() + timedelta(days=7)
    return {"pk": SpreekuurCancellationFactory(spreekuur=_spreekuur(w), date=day).pk}


def _contact_id(w):
    contact = ContactFactory(
        school=w.objects.school, family=w.objects.family, parent=w.objects.parent
    )
    _spreekuur(w)  # bookable, so that the page with ?partner= books with this partner
    return {"contact_id": contact.pk}


def _referral_id(w):
    referral = ReferralFactory(
        contact__school=w.objects.school,
        contact__family=w.objects.family,
        contact__parent=w.objects.parent,
        partner=w.objects.partner,
    )
    return {"referral_id": referral.pk}


def _appointment_id(w):
    appointment = AppointmentFactory(
        spreekuur=_spreekuur(w), family=w.objects.family, parent=w.objects.parent
    )
    return {"pk": appointment.pk}


def _token(w):
    pam = w.users[P]
    return {"token": pam.calendar_token or pam.renew_calendar_token()}


ROWS = [
    Row("partners:week", only(P)),
    Row("partners:calendar", only(P)),
    # Public by design: the secret link is the key, so every role (and nobody) gets the feed.
    Row(
        "partners:calendar-feed",
        dict.fromkeys(ROLES, 200),
        kwargs=_token,
        anonymous=200,
        elsewhere="the secret token is the key; an unknown token is a 404 (test_feed)",
        audited="a partner's own agenda: times and schools, no family",
    ),
    Row("partners:school-week", only(C)),
    Row(
        "partners:spreekuur-detail",
        only(C),
        kwargs=_spreekuur_id,
        elsewhere=True,
        audited="a spreekuur and its bookings, not one family's record",
    ),
    Row(
        "partners:spreekuur-cancel",
        only(C),
        kwargs=_spreekuur_id,
        elsewhere=True,
        audited="a spreekuur, not a family record",
    ),
    Row(
        "partners:cancellation-restore",
        only(C, ok=302),
        kwargs=_cancellation_id,
        method="post",
        elsewhere=True,
        audited="a cancelled date, not a family record",
    ),
    Row(
        "partners:book-from-contact",
        only(C),
        kwargs=_contact_id,
        query=lambda w: f"partner={w.objects.partner.pk}",
        elsewhere=True,
        audited=True,
    ),
    Row(
        "partners:book-from-referral",
        only(C),
        kwargs=_referral_id,
        elsewhere=True,
        audited=True,
    ),
    Row(
        "partners:appointment-status",
        only(C, P),
        kwargs=_appointment_id,
        elsewhere=True,
        audited=True,
    ),
]
