"""The family page shows the newest part of the timeline; "show older" reaches every entry."""

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activiteiten.models import Attendance, Enrolment
from familieschool import registry
from familieschool.constants import AuditAction
from familieschool.models import AuditLog
from familieschool.timeline import TimelineCursor, family_timeline
from partners.models import Appointment
from servicepunt.models import Contact, Provision, Referral
from tests.activiteiten.factories import AttendanceFactory, EnrolmentFactory, SessionFactory
from tests.familieschool.factories import ChildFactory, FamilyFactory, ParentFactory
from tests.partners.factories import AppointmentFactory, SpreekuurFactory
from tests.servicepunt.factories import ContactFactory, ProvisionFactory, ReferralFactory

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 4)


def local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def history(school, family, parent, themes, *, days: int = 3):
    """Every kind of entry, with ties on the moment within a kind and across kinds."""
    child = ChildFactory(family=family)
    spreekuur = SpreekuurFactory(school=school)
    for n in range(days):
        day = DAY - timedelta(days=n)
        # Three contacts at one moment; one at midnight, with the day's provisions; one at
        # noon, with the session of a parent and a child.
        for _ in range(3):
            ContactFactory(school=school, family=family, occurred_at=local(day, time(10, 0)))
        ContactFactory(school=school, family=family, occurred_at=local(day, time.min))
        noon = ContactFactory(school=school, family=family, occurred_at=local(day, time(12, 0)))
        ReferralFactory(contact=noon)
        ProvisionFactory(family=family, occurred_on=day)
        ProvisionFactory(family=family, occurred_on=day, child=child)
        session = SessionFactory(
            activity__school=school, activity__start_time=time(12, 0), date=day
        )
        AttendanceFactory(session=session, parent=parent)
        AttendanceFactory(session=session, parent=None, child=child)
        EnrolmentFactory(activity__school=school, child=child)
        EnrolmentFactory(activity__school=school, child=None, parent=parent)
        AppointmentFactory(spreekuur=spreekuur, family=family, parent=parent, date=day)


def everything(family) -> list[tuple[str, int]]:
    """The family's records, counted from the tables, not from the timeline."""
    attended = Attendance.objects.filter(parent__family=family) | Attendance.objects.filter(
        child__family=family
    )
    rows = {
        "contact": Contact.objects.filter(family=family),
        "referral": Referral.objects.filter(family=family),
        "provision": Provision.objects.filter(family=family),
        "activity": attended.distinct(),
        "enrolment": Enrolment.objects.filter(child__family=family)
        | Enrolment.objects.filter(parent__family=family),
        "appointment": Appointment.objects.filter(family=family),
    }
    return sorted(
        (kind, pk)
        for kind, queryset in rows.items()
        for pk in queryset.values_list("pk", flat=True)
    )


def older_link(content: str) -> str | None:
    found = re.search(r'rel="next" href="([^"]+)"', content)
    return html.unescape(found.group(1)) if found else None


def walk(client, family):
    """The family page and every "show older" page after it, by the rendered links."""
    pages, url = [], reverse("servicepunt:family-detail", args=[family.pk])
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(response)
        url = older_link(response.content.decode())
    return pages


def test_every_entry_is_reached_once_through_show_older(
    alice_client, school_a, family_a, parent_a, themes, monkeypatch
):
    monkeypatch.setattr("familieschool.timeline.TIMELINE_PAGE", 4)
    history(school_a, family_a, parent_a, themes)

    pages = walk(alice_client, family_a)

    shown = [entry for page in pages for entry in page.context["timeline"]]
    keys = [(entry.kind, entry.pk) for entry in shown]
    assert len(keys) == len(set(keys))
    assert sorted(keys) == everything(family_a)
    assert len(keys) == 3 * 13
    assert [entry.sort_key for entry in shown] == sorted(
        (entry.sort_key for entry in shown), reverse=True
    )
    assert [len(page.context["timeline"]) for page in pages[:-1]] == [4] * (len(pages) - 1)
    assert "Oudere items tonen" in pages[0].content.decode()
    assert "Oudere items tonen" not in pages[-1].content.decode()


def test_the_family_page_shows_the_newest_page_and_says_so(
    alice_client, school_a, family_a, parent_a, themes, monkeypatch
):
    monkeypatch.setattr("familieschool.timeline.TIMELINE_PAGE", 5)
    history(school_a, family_a, parent_a, themes, days=1)
    newest = family_timeline(family_a, size=1000).entries[:5]

    response = alice_client.get(reverse("servicepunt:family-detail", args=[family_a.pk]))

    assert list(response.context["timeline"]) == newest
    assert "De 5 nieuwste items staan hieronder" in response.content.decode()


def test_a_short_history_has_no_show_older(alice_client, school_a, family_a, themes):
    ContactFactory(school=school_a, family=family_a)

    response = alice_client.get(reverse("servicepunt:family-detail", args=[family_a.pk]))

    assert [entry.kind for entry in response.context["timeline"]] == ["contact"]
    assert older_link(response.content.decode()) is None
    assert "nieuwste items" not in response.content.decode()


def test_opening_older_entries_is_audited(alice_client, school_a, family_a, themes):
    ContactFactory(school=school_a, family=family_a, occurred_at=local(DAY, time(9, 0)))
    cursor = TimelineCursor(local(DAY, time(10, 0)), "contact", 0)
    url = reverse("servicepunt:family-timeline", args=[family_a.pk])

    response = alice_client.get(url, {"voor": cursor.token})

    assert [entry.kind for entry in response.context["timeline"]] == ["contact"]
    log = AuditLog.objects.get()
    assert (log.action, log.family) == (AuditAction.VIEW, family_a)


def test_another_school_s_family_s_older_entries_are_a_404(alice_client, family_b):
    cursor = TimelineCursor(timezone.now(), "contact", 0)
    url = reverse("servicepunt:family-timeline", args=[family_b.pk])

    assert alice_client.get(url, {"voor": cursor.token}).status_code == 404
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("token", ["", "x", "1.contact", "1.2.3", "abc.contact.1", "9" * 40])
def test_an_unreadable_cursor_leads_to_the_family_page(alice_client, family_a, token):
    url = reverse("servicepunt:family-timeline", args=[family_a.pk])

    response = alice_client.get(url, {"voor": token})

    assert response.status_code == 302
    assert response.url == reverse("servicepunt:family-detail", args=[family_a.pk])


def test_the_cursor_survives_its_url_form():
    cursor = TimelineCursor(local(DAY, time(10, 0, 0, 123456)), "activity", 42)

    assert TimelineCursor.parse(cursor.token) == cursor


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_family_page_and_older_entries_run_the_same_queries_with_ten_times_the_history(
    alice_client, school_a, family_a, parent_a, themes
):
    history(school_a, family_a, parent_a, themes, days=2)
    first = reverse("servicepunt:family-detail", args=[family_a.pk])
    older = (
        reverse("servicepunt:family-timeline", args=[family_a.pk])
        + "?voor="
        + TimelineCursor(local(DAY + timedelta(days=1), time.min), "contact", 0).token
    )
    _queries(alice_client, first)
    small = (_queries(alice_client, first), _queries(alice_client, older))

    history(school_a, family_a, parent_a, themes, days=20)
    large = (_queries(alice_client, first), _queries(alice_client, older))

    assert large == small


def test_each_kind_of_entry_says_what_its_record_holds(school_a, family_a, parent_a, themes):
    nameless_child = ChildFactory(family=family_a, first_name="")
    nameless_parent = ParentFactory(family=family_a, first_name="", last_name="")
    contact = ContactFactory(
        school=school_a, family=family_a, themes=[themes["wonen"], themes["geldzaken"]]
    )
    referral = ReferralFactory(contact=contact)
    provision = ProvisionFactory(family=family_a, child=nameless_child)
    attendance = AttendanceFactory(
        session__activity__school=school_a,
        session__topic="Voorlezen",
        parent=nameless_parent,
        first_time=True,
    )
    child_attendance = AttendanceFactory(
        session__activity__school=school_a, parent=None, child=ChildFactory(family=family_a)
    )
    enrolment = EnrolmentFactory(activity__school=school_a, child=nameless_child)
    parent_enrolment = EnrolmentFactory(
        activity__school=school_a, child=None, parent=nameless_parent
    )
    appointment = AppointmentFactory(
        spreekuur=SpreekuurFactory(school=school_a), family=family_a, parent=parent_a
    )

    said = {
        (entry.kind, entry.pk): (entry.title, entry.detail, entry.url)
        for entry in family_timeline(family_a)
    }

    # What each record's own model says, read independently of the timeline's query.
    themes_said = ", ".join(theme.name for theme in contact.themes.order_by("sort_order", "name"))
    session, other_session = attendance.session, child_attendance.session
    assert said == {
        ("contact", contact.pk): (
            f"Contact ({contact.get_channel_display()})",
            f"{themes_said} · {contact.get_outcome_display()}",
            reverse("servicepunt:contact-detail", args=[contact.pk]),
        ),
        ("referral", referral.pk): (
            f"Doorverwijzing naar {referral.partner.name}",
            referral.get_status_display(),
            reverse("servicepunt:referral-detail", args=[referral.pk]),
        ),
        ("provision", provision.pk): (
            f"Voorziening: {provision.kind.name}",
            f"{provision.get_status_display()} · {nameless_child}",
            reverse("servicepunt:provision-update", args=[provision.pk]),
        ),
        ("activity", attendance.pk): (
            session.activity.title,
            f"{nameless_parent.display_name} · eerste keer · Voorlezen",
            reverse(
                "activiteiten:attendance",
                kwargs={"pk": session.activity.pk, "day": session.date.isoformat()},
            ),
        ),
        ("activity", child_attendance.pk): (
            other_session.activity.title,
            child_attendance.child.first_name,
            reverse(
                "activiteiten:attendance",
                kwargs={"pk": other_session.activity.pk, "day": other_session.date.isoformat()},
            ),
        ),
        ("enrolment", enrolment.pk): (
            enrolment.activity.title,
            f"{nameless_child.get_group_display()} · {enrolment.get_status_display()}",
            reverse("activiteiten:enrolment-list", kwargs={"pk": enrolment.activity.pk}),
        ),
        ("enrolment", parent_enrolment.pk): (
            parent_enrolment.activity.title,
            f"{nameless_parent.display_name} · {parent_enrolment.get_status_display()}",
            reverse("activiteiten:enrolment-list", kwargs={"pk": parent_enrolment.activity.pk}),
        ),
        ("appointment", appointment.pk): (
            f"Afspraak bij {appointment.spreekuur.partner.name}",
            appointment.get_status_display(),
            "",
        ),
    }
    assert "(" in str(nameless_child)  # her group and the family's code, for want of a name
    assert nameless_parent.display_name.startswith("Ouder")


def test_the_timeline_of_every_kind_is_read_in_one_query(school_a, family_a, parent_a, themes):
    history(school_a, family_a, parent_a, themes, days=1)

    with CaptureQueriesContext(connection) as context:
        page = family_timeline(family_a)
        [(entry.title, entry.detail, entry.url) for entry in page]

    # The rows of every kind and the contacts' themes together.
    assert {entry.kind for entry in page} == {
        "contact",
        "referral",
        "provision",
        "activity",
        "enrolment",
        "appointment",
    }
    assert len(context) == 1


def test_the_timeline_is_compiled_once_per_shape_and_read_per_family(
    school_a, family_a, parent_a, themes, monkeypatch
):
    # Each family's own entries, from the one query built for the first of them: nothing of
    # one family is read with another's page, on the newest page and after a cursor.
    history(school_a, family_a, parent_a, themes, days=2)
    other = FamilyFactory(school=school_a)
    history(school_a, other, ParentFactory(family=other), themes, days=2)
    asked = []

    def counted(provider):
        def ask(family, **kwargs):
            asked.append(kwargs["before"].kind if kwargs["before"] else None)
            return provider(family, **kwargs)

        return ask

    providers = [counted(provider) for provider in registry.timeline_providers]
    monkeypatch.setattr("familieschool.timeline.timeline_providers", providers)

    cursors = set()
    for family in (family_a, other, family_a, other):
        newest = family_timeline(family, size=5)
        cursors.add(newest.older.kind)
        older = family_timeline(family, before=newest.older, size=5)
        shown = [(entry.kind, entry.pk) for entry in [*newest, *older]]
        assert set(shown) <= set(everything(family))
        assert len(set(shown)) == 10
        assert [entry.sort_key for entry in [*newest, *older]] == sorted(
            (entry.sort_key for entry in [*newest, *older]), reverse=True
        )
    # Once for the newest page and once for a cursor at that kind, whatever the family.
    [kind] = cursors
    assert asked == [None] * len(providers) + [kind] * len(providers)
