from datetime import time, timedelta

import pytest

from familieschool.constants import Role
from partners.constants import AppointmentStatus
from partners.tasks import send_spreekuur_reminder, send_spreekuur_reminders
from tests.familieschool.factories import FamilyFactory, ParentFactory, UserFactory
from tests.notifications.conftest import DAY
from tests.partners.factories import (
    AppointmentFactory,
    SpreekuurCancellationFactory,
    SpreekuurFactory,
)
from tests.servicepunt.factories import ThemeFactory


@pytest.fixture
def staffed(school_a, partner_p, pam, settings):
    settings.SITE_URL = "https://portal.example"
    pam.email = "pam@werkwinkel.example"
    pam.save()
    spreekuur = SpreekuurFactory(
        school=school_a,
        partner=partner_p,
        staff=[pam],
        weekday=DAY.weekday(),
        end_time=time(11, 0),
    )
    family = FamilyFactory(school=school_a)
    ParentFactory(family=family, first_name="Fatima", last_name="El Amrani")
    theme = ThemeFactory(code="geldzaken", name="Geldzaken en schulden")
    AppointmentFactory(
        spreekuur=spreekuur, date=DAY, start_time=time(9, 0), family=family, theme=theme
    )
    AppointmentFactory(spreekuur=spreekuur, date=DAY, start_time=time(9, 20), family=family)
    AppointmentFactory(
        spreekuur=spreekuur,
        date=DAY,
        start_time=time(9, 40),
        family=family,
        status=AppointmentStatus.CANCELLED,
    )
    return spreekuur


def run(run_on_commit, day=DAY):
    with run_on_commit():
        return send_spreekuur_reminders.apply(kwargs={"day": day.isoformat()}).get()


def test_each_staff_member_gets_the_number_of_appointments_and_a_link(
    staffed, mailoutbox, run_on_commit
):
    assert run(run_on_commit) == 1

    [email] = mailoutbox
    assert email.to == ["pam@werkwinkel.example"]
    assert "dinsdag 12 maart" in email.subject
    assert "De Schakel" in email.body
    assert "09:00-11:00, Ouderkamer" in email.body
    assert "2 afspraken" in email.body
    assert "https://portal.example/partners/?week=2030-W11" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "2 afspraken" in html
    assert 'href="https://portal.example/partners/?week=2030-W11"' in html


def test_the_email_names_no_parent_and_no_theme(staffed, mailoutbox, run_on_commit):
    run(run_on_commit)
    [email] = mailoutbox
    for text in (email.subject, email.body, email.alternatives[0][0]):
        assert "Fatima" not in text
        assert "Amrani" not in text
        assert "Geldzaken" not in text


def test_running_the_job_again_sends_nothing_new(staffed, mailoutbox, run_on_commit):
    run(run_on_commit)
    assert run(run_on_commit) == 0
    assert (
        send_spreekuur_reminder.apply(
            kwargs={"user_id": staffed.staff.get().pk, "day": DAY.isoformat()}
        ).get()
        is False
    )
    assert len(mailoutbox) == 1


def test_a_cancelled_date_sends_no_reminder(staffed, mailoutbox, run_on_commit):
    SpreekuurCancellationFactory(spreekuur=staffed, date=DAY)
    assert run(run_on_commit) == 0
    assert mailoutbox == []


def test_no_reminder_on_a_day_without_spreekuur(staffed, mailoutbox, run_on_commit):
    assert run(run_on_commit, DAY + timedelta(days=1)) == 0
    assert mailoutbox == []


def test_staff_without_an_email_address_or_inactive_get_nothing(
    staffed, partner_p, mailoutbox, run_on_commit
):
    quiet = UserFactory(username="quiet", role=Role.PARTNER, organisation=partner_p, email="")
    gone = UserFactory(
        username="gone",
        role=Role.PARTNER,
        organisation=partner_p,
        email="g@x.example",
        is_active=False,
    )
    staffed.staff.add(quiet, gone)
    assert run(run_on_commit) == 1
    assert [m.to for m in mailoutbox] == [["pam@werkwinkel.example"]]


def test_two_spreekuren_on_one_day_make_one_email(
    staffed, school_b, pam, mailoutbox, run_on_commit
):
    SpreekuurFactory(
        school=school_b,
        partner=staffed.partner,
        staff=[pam],
        room="Lokaal 4",
        weekday=DAY.weekday(),
        end_time=time(11, 0),
    )
    run(run_on_commit)
    [email] = mailoutbox
    assert "De Schakel" in email.body
    assert "OBO Spoorzicht" in email.body
    assert "0 afspraken" in email.body


def test_by_default_it_reminds_of_tomorrows_spreekuren(
    staffed, mailoutbox, run_on_commit, monkeypatch
):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: DAY - timedelta(days=1))
    with run_on_commit():
        assert send_spreekuur_reminders.apply().get() == 1
    assert "dinsdag 12 maart" in mailoutbox[0].subject
