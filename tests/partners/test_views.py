from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familieschool.constants import Weekday
from partners.constants import AppointmentStatus
from partners.models import Appointment, SpreekuurCancellation
from partners.selectors import bookable_slots, spreekuur_occurrences
from partners.weeks import monday_of
from servicepunt.constants import ReferralStatus
from tests.familieschool.factories import FamilyFactory, ParentFactory, SchoolFactory
from tests.partners.conftest import MONDAY
from tests.partners.factories import (
    AppointmentFactory,
    SpreekuurCancellationFactory,
    SpreekuurFactory,
)
from tests.servicepunt.factories import ContactFactory, ReferralFactory

WEEK = "2026-W49"  # the week of MONDAY
WEEK_URL = reverse("partners:week")


def first_free(spreekuur):
    option = bookable_slots(partner=spreekuur.partner, school=spreekuur.school)[0]
    at = option.times[0]
    return option.occurrence.date, at, f"{spreekuur.pk}|{option.occurrence.date}|{at:%H:%M}"


def coming_date(spreekuur):
    today = timezone.localdate()
    found = spreekuur_occurrences([spreekuur], today + timedelta(days=1), today + timedelta(60))
    return found[0].date


# --- the partner's week --------------------------------------------------------------------


@pytest.fixture
def three_schools(werkwinkel_a, partner_p, pam, school_b, family_a, parent_a):
    """pam's Werkwinkel at school A (Monday), B (Wednesday) and C (Thursday), with bookings."""
    school_c = SchoolFactory(name="OBO De Klopvaart")
    at_b = SpreekuurFactory(
        partner=partner_p, school=school_b, weekday=Weekday.WEDNESDAY, room="Lokaal 12"
    )
    at_c = SpreekuurFactory(partner=partner_p, school=school_c, weekday=Weekday.THURSDAY)
    AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY, family=family_a, parent=parent_a)
    return werkwinkel_a, at_b, at_c


def test_the_week_of_a_partner_at_three_schools_prints_one_page_per_day(pam_client, three_schools):
    response = pam_client.get(WEEK_URL, {"week": WEEK})
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("De Schakel", "OBO Spoorzicht", "OBO De Klopvaart"):
        assert name in html
    assert html.count('class="page-per-day') == 3
    assert "maandag 30 november 2026" in html
    assert "Lokaal 12" in html
    # Booked without a referral: initials only, never the name.
    assert "F.E." in html
    assert "Fatima" not in html and "El Amrani" not in html and "A001" not in html


@pytest.mark.parametrize("week", [WEEK, "2026-12-02", "2026-11-30"])
def test_the_week_is_chosen_by_iso_week_or_by_a_date_in_it(pam_client, three_schools, week):
    response = pam_client.get(WEEK_URL, {"week": week})
    assert response.context["monday"] == MONDAY
    assert response.context["previous_week"] == "2026-W48"
    assert response.context["next_week"] == "2026-W50"


@pytest.mark.parametrize("week", ["volgende", "0001-W01", "9999-W52", "9999-12-31"])
def test_an_unreadable_week_shows_this_week(pam_client, three_schools, week):
    response = pam_client.get(WEEK_URL, {"week": week})
    assert response.status_code == 200
    assert response.context["monday"] == monday_of(timezone.localdate())


def test_the_partner_week_runs_the_same_queries_for_ten_times_the_schools(pam_client, partner_p):
    def grow(n):
        for _ in range(n):
            school = SchoolFactory()
            spreekuur = SpreekuurFactory(partner=partner_p, school=school)
            SpreekuurCancellationFactory(spreekuur=spreekuur, date=MONDAY + timedelta(days=7))
            for at in (time(9, 0), time(9, 20)):
                family = FamilyFactory(school=school)
                parent = ParentFactory(family=family)
                referral = ReferralFactory(
                    contact__school=school,
                    contact__family=family,
                    contact__parent=parent,
                    partner=partner_p,
                )
                AppointmentFactory(
                    spreekuur=spreekuur,
                    date=MONDAY,
                    start_time=at,
                    parent=parent,
                    family=family,
                    referral=referral,
                )

    counts = []
    for n in (1, 9):
        grow(n)
        with CaptureQueriesContext(connection) as captured:
            assert pam_client.get(WEEK_URL, {"week": WEEK}).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_partner_b_never_sees_partner_as_list_or_appointments(otto_client, three_schools):
    appointment = Appointment.objects.get()
    html = otto_client.get(WEEK_URL, {"week": WEEK}).content.decode()
    assert "De Schakel" not in html and "F.E." not in html
    url = reverse("partners:appointment-status", args=[appointment.pk])
    assert otto_client.get(url).status_code == 404
    assert otto_client.post(url, {"status": AppointmentStatus.CANCELLED}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PLANNED


# --- appointment status --------------------------------------------------------------------


def test_the_partner_records_attendance_from_the_week(pam_client, werkwinkel_a):
    last_monday = monday_of(timezone.localdate()) - timedelta(days=7)
    appointment = AppointmentFactory(spreekuur=werkwinkel_a, date=last_monday)
    next_url = f"{WEEK_URL}?week={last_monday.isoformat()}"
    response = pam_client.post(
        reverse("partners:appointment-status", args=[appointment.pk]),
        {"status": AppointmentStatus.ATTENDED, "next": next_url},
    )
    assert response.status_code == 302 and response.url == next_url
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED


def test_the_status_page_shows_the_partner_only_initials(pam_client, three_schools):
    appointment = Appointment.objects.get()
    html = pam_client.get(reverse("partners:appointment-status", args=[appointment.pk])).content
    assert b"F.E." in html and b"Fatima" not in html


def test_a_refused_status_is_explained_next_to_the_field(alice_client, werkwinkel_a):
    future = AppointmentFactory(spreekuur=werkwinkel_a, date=coming_date(werkwinkel_a))
    response = alice_client.post(
        reverse("partners:appointment-status", args=[future.pk]),
        {"status": AppointmentStatus.NO_SHOW},
    )
    assert response.status_code == 200
    assert "Of de ouder gekomen is, kun je vanaf de dag zelf vastleggen." in (
        response.content.decode()
    )
    assert response.context["form"].errors["status"]
    future.refresh_from_db()
    assert future.status == AppointmentStatus.PLANNED


def test_a_foreign_next_url_is_ignored(alice_client, werkwinkel_a):
    appointment = AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY)
    response = alice_client.post(
        reverse("partners:appointment-status", args=[appointment.pk]),
        {"status": AppointmentStatus.CANCELLED, "next": "https://evil.example/"},
    )
    assert response.url == reverse("partners:spreekuur-detail", args=[werkwinkel_a.pk])


# --- coordinator: scope --------------------------------------------------------------------


def test_the_coordinator_of_school_b_never_sees_school_as_records(
    bob_client, werkwinkel_a, contact_a, referral_a
):
    appointment = AppointmentFactory(spreekuur=werkwinkel_a, date=MONDAY)
    cancellation = SpreekuurCancellationFactory(spreekuur=werkwinkel_a, date=MONDAY)
    for url in (
        reverse("partners:spreekuur-detail", args=[werkwinkel_a.pk]),
        reverse("partners:spreekuur-cancel", args=[werkwinkel_a.pk]),
        reverse("partners:appointment-status", args=[appointment.pk]),
        reverse("partners:book-from-contact", args=[contact_a.pk]),
        reverse("partners:book-from-referral", args=[referral_a.pk]),
    ):
        assert bob_client.get(url).status_code == 404, url
    restore = reverse("partners:cancellation-restore", args=[cancellation.pk])
    assert bob_client.post(restore).status_code == 404
    assert SpreekuurCancellation.objects.filter(pk=cancellation.pk).exists()
    html = bob_client.get(reverse("partners:school-week"), {"week": WEEK}).content.decode()
    assert "De Schakel" not in html


def test_who_is_in_school_lists_every_partner_at_the_coordinators_schools(
    alice_client, werkwinkel_a, partner_o, school_a, school_b
):
    SpreekuurFactory(partner=partner_o, school=school_a, weekday=Weekday.TUESDAY, room="Aula")
    SpreekuurFactory(partner=partner_o, school=school_b, weekday=Weekday.WEDNESDAY, room="Zolder")
    response = alice_client.get(reverse("partners:school-week"), {"week": WEEK})
    html = response.content.decode()
    assert "Werkwinkel" in html and "Buurtteam Jeugd &amp; Gezin" in html
    assert "Aula" in html and "Zolder" not in html
    assert response.context["is_this_week"] is (monday_of(timezone.localdate()) == MONDAY)


def test_who_is_in_school_runs_the_same_queries_for_ten_times_the_schools(
    alice_client, alice, partner_p, pam
):
    def grow(n):
        for _ in range(n):
            school = SchoolFactory()
            alice.schools.add(school)
            spreekuur = SpreekuurFactory(partner=partner_p, school=school, staff=[pam])
            AppointmentFactory(spreekuur=spreekuur, date=MONDAY)
            ReferralFactory(contact__school=school, partner=partner_p)

    counts = []
    for n in (1, 9):
        grow(n)
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(reverse("partners:school-week"), {"week": WEEK}).status_code
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_spreekuur_page_runs_the_same_queries_for_ten_times_the_bookings(
    alice_client, werkwinkel_a
):
    dates = [
        o.date
        for o in spreekuur_occurrences(
            [werkwinkel_a], timezone.localdate(), timezone.localdate() + timedelta(weeks=10)
        )
    ]
    url = reverse("partners:spreekuur-detail", args=[werkwinkel_a.pk])
    counts = []
    for chunk in (dates[:1], dates[1:10]):
        for day in chunk:
            family = FamilyFactory(school=werkwinkel_a.school)
            AppointmentFactory(
                spreekuur=werkwinkel_a,
                date=day,
                family=family,
                parent=ParentFactory(family=family),
            )
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- coordinator: cancelling a date ----------------------------------------------------------


def test_the_coordinator_cancels_a_date_with_a_reason(alice_client, werkwinkel_a):
    day = coming_date(werkwinkel_a)
    AppointmentFactory(spreekuur=werkwinkel_a, date=day)
    url = reverse("partners:spreekuur-cancel", args=[werkwinkel_a.pk])
    assert alice_client.get(url, {"date": day.isoformat()}).status_code == 200
    response = alice_client.post(url, {"date": day.isoformat(), "reason": "Studiedag"}, follow=True)
    cancellation = SpreekuurCancellation.objects.get()
    assert (cancellation.date, cancellation.reason) == (day, "Studiedag")
    html = response.content.decode()
    assert "De datum is vervallen." in html
    assert "1 afspraak op deze datum is geannuleerd; laat het de ouder weten." in html
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED


def test_cancelling_without_a_reason_is_explained_next_to_the_field(alice_client, werkwinkel_a):
    day = coming_date(werkwinkel_a)
    url = reverse("partners:spreekuur-cancel", args=[werkwinkel_a.pk])
    response = alice_client.post(url, {"date": day.isoformat(), "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason": ["Geef een reden op, zodat collega's weten waarom."]
    }
    response = alice_client.post(
        url, {"date": (day + timedelta(days=1)).isoformat(), "reason": "x"}
    )
    assert response.context["form"].errors == {"date": ["Op deze datum is er geen spreekuur."]}
    assert not SpreekuurCancellation.objects.exists()


def test_the_coordinator_undoes_a_cancellation(alice_client, werkwinkel_a):
    cancellation = SpreekuurCancellationFactory(
        spreekuur=werkwinkel_a, date=coming_date(werkwinkel_a)
    )
    detail = alice_client.get(reverse("partners:spreekuur-detail", args=[werkwinkel_a.pk]))
    assert "Studiedag" in detail.content.decode()
    response = alice_client.post(reverse("partners:cancellation-restore", args=[cancellation.pk]))
    assert response.status_code == 302
    assert not SpreekuurCancellation.objects.exists()


# --- coordinator: booking --------------------------------------------------------------------


def test_booking_from_a_contact_starts_with_the_partners_that_hold_a_spreekuur_here(
    alice_client, werkwinkel_a, contact_a, partner_o, school_b
):
    SpreekuurFactory(partner=partner_o, school=school_b)
    response = alice_client.get(reverse("partners:book-from-contact", args=[contact_a.pk]))
    assert list(response.context["partners"]) == [werkwinkel_a.partner]
    url = reverse("partners:book-from-contact", args=[contact_a.pk])
    assert alice_client.get(url, {"partner": partner_o.pk}).status_code == 404


def test_the_coordinator_books_a_contact_into_the_next_free_time(
    alice_client, werkwinkel_a, contact_a
):
    day, at, value = first_free(werkwinkel_a)
    url = reverse("partners:book-from-contact", args=[contact_a.pk])
    page = alice_client.get(url, {"partner": werkwinkel_a.partner.pk})
    assert page.status_code == 200
    assert f'value="{value}"' in page.content.decode()
    response = alice_client.post(
        f"{url}?partner={werkwinkel_a.partner.pk}",
        {"slot": value, "theme": contact_a.themes.get().pk},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.date, appointment.start_time, appointment.contact) == (day, at, contact_a)
    assert appointment.theme == contact_a.themes.get()


def test_a_time_taken_meanwhile_is_refused_with_a_clear_message(
    alice_client, werkwinkel_a, contact_a, monkeypatch
):
    day, at, value = first_free(werkwinkel_a)
    url = reverse("partners:book-from-contact", args=[contact_a.pk])
    url = f"{url}?partner={werkwinkel_a.partner.pk}"
    stale = bookable_slots(partner=werkwinkel_a.partner, school=werkwinkel_a.school)
    AppointmentFactory(spreekuur=werkwinkel_a, date=day, start_time=at)  # someone else

    response = alice_client.post(url, {"slot": value})
    assert response.status_code == 200
    assert response.context["form"].errors["slot"] == [
        "Deze tijd is niet meer vrij. Kies een andere tijd."
    ]
    # With the page's (stale) choices the service itself refuses the taken time.
    monkeypatch.setattr("partners.views.selectors.bookable_slots", lambda **kwargs: stale)
    response = alice_client.post(url, {"slot": value})
    assert response.status_code == 200
    assert "Deze tijd is al geboekt. Kies een andere tijd." in response.content.decode()
    assert Appointment.objects.count() == 1


def test_booking_from_a_referral_plans_the_referral(alice_client, werkwinkel_a, referral_a):
    _day, _at, value = first_free(werkwinkel_a)
    url = reverse("partners:book-from-referral", args=[referral_a.pk])
    assert alice_client.get(url).status_code == 200
    response = alice_client.post(url, {"slot": value, "next": "/servicepunt/"})
    assert response.status_code == 302 and response.url == "/servicepunt/"
    referral_a.refresh_from_db()
    assert referral_a.status == ReferralStatus.APPOINTMENT_PLANNED
    assert Appointment.objects.get().referral == referral_a


def test_a_closed_referral_gets_no_booking_form(alice_client, werkwinkel_a, referral_a):
    referral_a.status = ReferralStatus.DECLINED
    referral_a.save()
    url = reverse("partners:book-from-referral", args=[referral_a.pk])
    response = alice_client.get(url)
    assert "Deze doorverwijzing is afgesloten" in response.content.decode()
    assert "form" not in response.context
    _day, _at, value = first_free(werkwinkel_a)
    alice_client.post(url, {"slot": value})
    assert not Appointment.objects.exists()


def test_the_booking_page_lists_waiting_referrals_on_who_is_in_school(
    alice_client, werkwinkel_a, referral_a
):
    html = alice_client.get(reverse("partners:school-week")).content.decode()
    assert reverse("partners:book-from-referral", args=[referral_a.pk]) in html


def test_an_anonymous_contact_is_booked_without_a_name(alice_client, werkwinkel_a, school_a):
    contact = ContactFactory(school=school_a)
    _day, _at, value = first_free(werkwinkel_a)
    url = reverse("partners:book-from-contact", args=[contact.pk])
    url = f"{url}?partner={werkwinkel_a.partner.pk}"
    assert "Anoniem" in alice_client.get(url).content.decode()
    alice_client.post(url, {"slot": value})
    assert Appointment.objects.get().parent is None


# --- calendar link ---------------------------------------------------------------------------


def test_the_partner_makes_and_renews_the_calendar_link(pam_client, pam, client):
    url = reverse("partners:calendar")
    assert "Maak mijn agendalink" in pam_client.get(url).content.decode()
    pam_client.post(url)
    pam.refresh_from_db()
    first = pam.calendar_token
    feed = reverse("partners:calendar-feed", kwargs={"token": first})
    assert feed in pam_client.get(url).content.decode()
    assert client.get(feed).status_code == 200

    pam_client.post(url)
    pam.refresh_from_db()
    assert pam.calendar_token != first
    assert client.get(feed).status_code == 404
    assert (
        client.get(
            reverse("partners:calendar-feed", kwargs={"token": pam.calendar_token})
        ).status_code
        == 200
    )


def test_opening_the_booking_page_of_a_family_is_logged(
    alice_client, alice, werkwinkel_a, contact_a
):
    from familieschool.constants import AuditAction
    from familieschool.models import AuditLog

    url = reverse("partners:book-from-contact", args=[contact_a.pk])
    alice_client.get(url, {"partner": werkwinkel_a.partner.pk})
    log = AuditLog.objects.get()
    assert (log.user, log.action, log.family_id, log.object_type) == (
        alice,
        AuditAction.VIEW,
        contact_a.family_id,
        "servicepunt.contact",
    )


# --- booking from the referral (issue 11) -------------------------------------------------


def test_the_referral_page_offers_booking_and_the_next_time_and_theme_are_chosen(
    alice_client, werkwinkel_a, referral_a
):
    detail = reverse("servicepunt:referral-detail", args=[referral_a.pk])
    book = reverse("partners:book-from-referral", args=[referral_a.pk])

    assert f'href="{book}?next={detail}"' in alice_client.get(detail).content.decode()
    form = alice_client.get(book).context["form"]
    _day, _at, first = first_free(werkwinkel_a)
    assert form["slot"].value() == first
    assert form["theme"].value() == referral_a.themes.first().pk


@pytest.fixture
def buurtteam_walk_in(partner_o, school_a):
    """Buurtteam at De Schakel: a walk-in hour on Tuesdays, nothing to book."""
    return SpreekuurFactory(
        partner=partner_o, school=school_a, weekday=Weekday.TUESDAY, slot_minutes=None
    )


def test_a_walk_in_partner_shows_its_hours_and_the_told_date_is_noted(
    alice_client, buurtteam_walk_in, school_a, family_a, partner_o
):
    referral = ReferralFactory(
        contact__school=school_a, contact__family=family_a, partner=partner_o
    )
    url = reverse("partners:book-from-referral", args=[referral.pk])
    day = coming_date(buurtteam_walk_in)

    page = alice_client.get(url).content.decode()
    refused = alice_client.post(url, {"walk_in_on": (day + timedelta(days=1)).isoformat()})
    referral.refresh_from_db()
    assert referral.walk_in_on is None
    saved = alice_client.post(url, {"walk_in_on": day.isoformat()})

    assert "Er zijn de komende weken geen vrije tijden" not in page
    assert "vrije inloop" in page and "09:00–10:00" in page
    assert "Kies een datum." in refused.content.decode()
    assert saved.status_code == 302
    referral.refresh_from_db()
    assert referral.walk_in_on == day
    detail = alice_client.get(saved.url).content.decode()
    assert "Ouder gevraagd te komen op" in detail
