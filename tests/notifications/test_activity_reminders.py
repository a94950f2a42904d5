from datetime import timedelta

import pytest
from django.utils import timezone

from activiteiten.constants import EnrolmentStatus
from activiteiten.tasks import send_activity_reminder, send_activity_reminders
from tests.activiteiten.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    SessionFactory,
)
from tests.familieschool.factories import ChildFactory, FamilyFactory, ParentFactory
from tests.notifications.conftest import DAY


@pytest.fixture
def huiswerkklas(school_a):
    return ActivityFactory(
        school=school_a,
        title="Huiswerkklas",
        title_en="Homework class",
        title_tr="Ödev sınıfı",
        title_ar="صف الواجبات",
        signup_required=True,
        start_time="15:00",
        end_time="16:30",
        location="Lokaal 12",
    )


def parent_with_enrolled_child(activity, *, language="nl", **fields):
    family = FamilyFactory(school=activity.school)
    parent = ParentFactory(
        family=family,
        email=fields.pop("email", f"ouder{family.pk}@example.org"),
        reminders_opt_in=fields.pop("reminders_opt_in", True),
        preferred_language=language,
        **fields,
    )
    child = ChildFactory(family=family, first_name="Yusuf")
    EnrolmentFactory(activity=activity, child=child)
    return parent


def run(run_on_commit, day=DAY):
    with run_on_commit():
        return send_activity_reminders.apply(kwargs={"day": day.isoformat()}).get()


def test_a_parent_with_an_enrolled_child_gets_a_dutch_reminder(
    huiswerkklas, mailoutbox, run_on_commit
):
    parent = parent_with_enrolled_child(huiswerkklas)
    assert run(run_on_commit) == 1

    [email] = mailoutbox
    assert email.to == [parent.email]
    assert email.subject == "Herinnering: Huiswerkklas op dinsdag 12 maart"
    assert "op De Schakel, van 15:00 tot 16:30 uur (Lokaal 12)" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="nl">' in html
    assert "Yusuf" not in email.body


@pytest.mark.parametrize(
    ("language", "subject", "words", "html_start"),
    [
        (
            "en",
            "Reminder: Homework class on Tuesday 12 March",
            "takes place at",
            '<html lang="en">',
        ),
        ("tr", "Hatırlatma: Ödev sınıfı, 12 Mart Salı", "okulunda", '<html lang="tr">'),
        ("ar", "تذكير: صف الواجبات", "يقام نشاط", '<html lang="ar" dir="rtl">'),
        ("pl", "Herinnering: Huiswerkklas op dinsdag 12 maart", "Beste ouder", '<html lang="nl">'),
    ],
)
def test_the_reminder_comes_in_the_parents_language_or_else_in_dutch(
    huiswerkklas, mailoutbox, run_on_commit, language, subject, words, html_start
):
    parent_with_enrolled_child(huiswerkklas, language=language)
    run(run_on_commit)
    [email] = mailoutbox
    assert email.subject.startswith(subject)
    assert words in email.body
    assert html_start in email.alternatives[0][0]


def test_a_parent_signed_up_themselves_gets_a_reminder(school_a, mailoutbox, run_on_commit):
    activity = ActivityFactory(school=school_a, title="Taalles", signup_required=True)
    parent = ParentFactory(
        family=FamilyFactory(school=school_a), email="p@example.org", reminders_opt_in=True
    )
    EnrolmentFactory(activity=activity, parent=parent, child=None)
    run(run_on_commit)
    assert [m.to for m in mailoutbox] == [["p@example.org"]]


@pytest.mark.parametrize(
    "fields",
    [{"reminders_opt_in": False}, {"email": ""}],
    ids=["without opt-in", "without email"],
)
def test_no_reminder_without_opt_in_or_address(huiswerkklas, mailoutbox, run_on_commit, fields):
    parent_with_enrolled_child(huiswerkklas, **fields)
    assert run(run_on_commit) == 0
    assert mailoutbox == []


def test_no_reminder_for_an_anonymised_family_or_the_waiting_list(
    huiswerkklas, mailoutbox, run_on_commit
):
    parent = parent_with_enrolled_child(huiswerkklas)
    parent.family.anonymised_at = timezone.now()
    parent.family.save()
    waiting = parent_with_enrolled_child(huiswerkklas)
    waiting.family.children.get().enrolments.update(status=EnrolmentStatus.WAITING)
    assert run(run_on_commit) == 0


def test_no_reminder_when_the_session_is_cancelled_or_on_another_day(
    huiswerkklas, mailoutbox, run_on_commit
):
    parent_with_enrolled_child(huiswerkklas)
    assert run(run_on_commit, DAY + timedelta(days=1)) == 0
    SessionFactory(activity=huiswerkklas, date=DAY, cancelled=True)
    assert run(run_on_commit) == 0
    assert mailoutbox == []


def test_without_sign_up_a_parent_who_came_recently_gets_a_reminder(
    school_a, mailoutbox, run_on_commit
):
    koffie = ActivityFactory(school=school_a, title="Koffieochtend", signup_required=False)
    regular = ParentFactory(
        family=FamilyFactory(school=school_a), email="vaste@example.org", reminders_opt_in=True
    )
    AttendanceFactory(
        session=SessionFactory(activity=koffie, date=DAY - timedelta(days=14)), parent=regular
    )
    long_ago = ParentFactory(
        family=FamilyFactory(school=school_a), email="lang@example.org", reminders_opt_in=True
    )
    AttendanceFactory(
        session=SessionFactory(activity=koffie, date=DAY - timedelta(days=91)), parent=long_ago
    )
    child_came = ChildFactory(family=FamilyFactory(school=school_a))
    child_parent = ParentFactory(
        family=child_came.family, email="kind@example.org", reminders_opt_in=True
    )
    AttendanceFactory(
        session=SessionFactory(activity=koffie, date=DAY - timedelta(days=7)),
        parent=None,
        child=child_came,
    )

    assert run(run_on_commit) == 2
    assert sorted(m.to[0] for m in mailoutbox) == [child_parent.email, regular.email]


def test_a_reminder_goes_out_once(huiswerkklas, mailoutbox, run_on_commit):
    parent = parent_with_enrolled_child(huiswerkklas)
    run(run_on_commit)
    assert run(run_on_commit) == 0
    again = send_activity_reminder.apply(
        kwargs={"parent_id": parent.pk, "activity_id": huiswerkklas.pk, "day": DAY.isoformat()}
    ).get()
    assert again is False
    assert len(mailoutbox) == 1


def test_a_parent_who_opted_out_before_the_task_ran_gets_nothing(
    huiswerkklas, mailoutbox, django_capture_on_commit_callbacks
):
    parent = parent_with_enrolled_child(huiswerkklas)
    with django_capture_on_commit_callbacks() as callbacks:
        send_activity_reminders.apply(kwargs={"day": DAY.isoformat()})
    parent.reminders_consent_on = None
    parent.save()
    for callback in callbacks:
        callback()
    assert mailoutbox == []


def test_by_default_it_reminds_of_tomorrows_activities(
    huiswerkklas, mailoutbox, run_on_commit, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *args: DAY - timedelta(days=1))
    parent_with_enrolled_child(huiswerkklas)
    with run_on_commit():
        assert send_activity_reminders.apply().get() == 1
    assert "dinsdag 12 maart" in mailoutbox[0].subject
