"""A sentinel: a family named with a unique marker goes through the main journeys, and the
marker must show up in no log record, no email subject, no URL and no Celery task argument.

Journeys: a walk-in with a new family (parent and child named with the marker), a referral
with consent (the partner's notice goes out through the outbox and Celery, eager), booking the
parent into the partner's spreekuur, the partner's status update, the attendance page and the
attendance of the new parent, the reminder and digest jobs, and the downloads (reach figures,
audit log, the family's own data). Names belong in the database and on the pages that show
them; everywhere else they are a leak.
"""

import contextlib
import logging
from datetime import timedelta

import pytest
from celery.app.task import Task
from django.core import mail
from django.core.signals import request_started
from django.urls import reverse
from django.utils import timezone

from activiteiten.services import attendance_save
from activiteiten.tasks import send_activity_reminders
from familieschool.constants import Weekday
from familieschool.models import Family, OutboxMessage
from familieschool.schoolyear import SchoolYear
from partners.models import Appointment
from partners.tasks import send_spreekuur_reminders
from servicepunt.models import Contact, Referral
from servicepunt.tasks import send_coordinator_digests
from tests.activiteiten.factories import ActivityFactory
from tests.partners.factories import SpreekuurFactory
from tests.servicepunt.factories import default_themes

MARKER = "Zqxv7Sentinel"

pytestmark = pytest.mark.django_db


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.lines: list[str] = []

    def emit(self, record):
        text = [record.name, str(record.msg), repr(record.args)]
        with contextlib.suppress(Exception):  # a broken format string is still text to search
            text.append(record.getMessage())
        if record.exc_info:
            text.append(logging.Formatter().formatException(record.exc_info))
        self.lines.append(" ".join(text))


@pytest.fixture
def sentinel(monkeypatch, django_capture_on_commit_callbacks):
    """Record every log record, requested URL, redirect and task argument of the test."""
    seen = {"logs": Capture(), "urls": [], "tasks": []}
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(seen["logs"])
    root.setLevel(logging.DEBUG)

    def on_request(sender, environ=None, **kwargs):
        environ = environ or {}
        seen["urls"].append(f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}")

    request_started.connect(on_request, dispatch_uid="sentinel")
    apply_async, apply = Task.apply_async, Task.apply

    def recording_apply_async(self, args=None, kwargs=None, *rest, **options):
        seen["tasks"].append((self.name, repr(args), repr(kwargs)))
        return apply_async(self, args, kwargs, *rest, **options)

    def recording_apply(self, args=None, kwargs=None, *rest, **options):
        seen["tasks"].append((self.name, repr(args), repr(kwargs)))
        return apply(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", recording_apply_async)
    monkeypatch.setattr(Task, "apply", recording_apply)
    try:
        yield seen
    finally:
        request_started.disconnect(dispatch_uid="sentinel")
        root.removeHandler(seen["logs"])
        root.setLevel(old_level)


def go(seen, client, method, url, data=None):
    """A request whose redirects are recorded too, with the outbox publishing on commit."""
    response = getattr(client, method)(url, data or {}, follow=True)
    seen["urls"] += [location for location, _status in response.redirect_chain]
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_a_marked_family_leaves_no_trace_outside_the_database(
    sentinel,
    django_capture_on_commit_callbacks,
    school_a,
    partner_p,
    alice,
    alice_client,
    pam,
    pam_client,
    lisa_client,
    adam_client,
):
    themes = default_themes()
    for user in (pam, alice):
        user.email = f"{user.username}@example.org"
        user.save()
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    SpreekuurFactory(
        partner=partner_p,
        school=school_a,
        weekday=Weekday(tomorrow.weekday()),
        valid_from=today - timedelta(days=30),
        staff=[pam],
    )
    activity = ActivityFactory(school=school_a, title="Koffieochtend", weekday=today.weekday())

    with django_capture_on_commit_callbacks(execute=True):
        # A walk-in with a new family, its parent and child named with the marker.
        walkin = go(
            sentinel,
            alice_client,
            "post",
            reverse("servicepunt:walkin"),
            {
                "school": school_a.pk,
                "themes": [themes["geldzaken"].pk],
                "channel": "inloop",
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "who": "new",
                "new_family_code": MARKER,
                "new_parent_first_name": MARKER,
                "new_child_first_name": MARKER,
                "new_child_group": "g3",
                "outcome": "referred",
                "note": f"Vraag van {MARKER}",
            },
        )
        family = Family.objects.filter(code=MARKER).first()
        assert family, walkin.context["form"].errors
        parent = family.parents.get()
        contact = Contact.objects.get(family=family)

        # A referral with the parent's consent; the partner gets a notice by email.
        go(
            sentinel,
            alice_client,
            "post",
            reverse("servicepunt:referral-create", args=[contact.pk]),
            {
                "partner": partner_p.pk,
                "consent": "on",
                "consent_given_by": MARKER,
                "consent_method": "verbal",
                "consent_date": today.isoformat(),
                "share_contact_details": "on",
            },
        )
        referral = Referral.objects.get(contact=contact)

        # Booking the parent into the partner's next spreekuur, as the page offers it.
        book = reverse("partners:book-from-referral", args=[referral.pk])
        form = go(sentinel, alice_client, "get", book).context["form"]
        slot = next(value for value, _label in form.fields["slot"].choices if value)
        go(sentinel, alice_client, "post", book, {"slot": slot})
        assert Appointment.objects.filter(referral=referral).exists()

        # The partner opens the referral and updates its status.
        detail = reverse("servicepunt:partner-referral-detail", args=[referral.pk])
        status_form = go(sentinel, pam_client, "get", detail).context["form"]
        status = next(value for value, _label in status_form.fields["status"].choices if value)
        go(
            sentinel,
            pam_client,
            "post",
            reverse("servicepunt:partner-referral-update", args=[referral.pk]),
            {"status": status, "outcome_note": f"Gesproken met {MARKER}"},
        )
        go(sentinel, pam_client, "get", reverse("partners:week"))

        # The attendance page, and the new parent registered as present.
        go(
            sentinel,
            alice_client,
            "get",
            reverse("activiteiten:attendance", kwargs={"pk": activity.pk, "day": today}),
        )
        attendance_save(
            activity=activity,
            day=today,
            topic="",
            partner_present=None,
            parent_ids=[parent.pk],
            child_ids=[],
            first_time_ids=[parent.pk],
            anonymous_count=0,
            newcomers=[],
            user=alice,
        )

        # The family page and the contact list, where the names do belong.
        go(sentinel, alice_client, "get", reverse("servicepunt:family-detail", args=[family.pk]))
        go(sentinel, alice_client, "get", reverse("servicepunt:contact-list"))

    # The reminder and digest jobs, through Celery (eager in the tests).
    parent.email = f"{MARKER.lower()}@example.org"
    parent.reminders_consent_on = today
    parent.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_activity_reminders.delay(day=(today + timedelta(days=7)).isoformat())
        send_spreekuur_reminders.delay(day=tomorrow.isoformat())
        send_coordinator_digests.delay(day=(today + timedelta(days=30)).isoformat())

    # The downloads.
    year = SchoolYear.current().label
    # The reach download is prepared by a task (eager here), then taken from its page's link.
    with django_capture_on_commit_callbacks(execute=True):
        job_page = go(
            sentinel,
            lisa_client,
            "get",
            reverse("rapportage:export"),
            {"schooljaar": year, "formaat": "csv"},
        )
    assert any(task[0] == "rapportage.tasks.build_reach_export" for task in sentinel["tasks"])
    go(sentinel, lisa_client, "get", job_page.request["PATH_INFO"] + "bestand/")
    go(sentinel, adam_client, "get", reverse("audit-log"), {"formaat": "csv"})
    go(sentinel, adam_client, "get", reverse("family-privacy-json", args=[family.pk]))

    # The journeys really ran: mail went out and tasks were called.
    subjects = [message.subject for message in mail.outbox]
    # The referral notice goes out on any day; the reminders too unless a holiday falls on
    # tomorrow or next week (then the calendar rightly skips them).
    assert any("doorverwijzing" in subject for subject in subjects), subjects
    assert sentinel["tasks"], "no task ran: the sentinel proves nothing"
    assert sentinel["urls"]
    assert sentinel["logs"].lines, "nothing was logged: the capture is not working"

    leaks = {
        "log records": [line for line in sentinel["logs"].lines if MARKER in line],
        "email subjects": [m.subject for m in mail.outbox if MARKER.lower() in m.subject.lower()],
        "URLs": [url for url in sentinel["urls"] if MARKER.lower() in url.lower()],
        "task arguments": [task for task in sentinel["tasks"] if MARKER in repr(task)],
        "outbox rows": [
            row.kwargs for row in OutboxMessage.objects.all() if MARKER in repr(row.kwargs)
        ],
    }
    assert leaks == {name: [] for name in leaks}
