"""The audit log page, the admin's audit rows and a family's data (AVG: inzage and erasure)."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familieschool.constants import AuditAction, Role
from familieschool.models import AuditLog, Parent
from familieschool.retention import retention_apply
from familieschool.services import audit_log_record
from servicepunt.models import Contact
from tests.activiteiten.factories import AttendanceFactory, SessionFactory
from tests.familieschool.factories import FamilyFactory, UserFactory
from tests.servicepunt.factories import ContactFactory, ReferralFactory

pytestmark = pytest.mark.django_db

AUDIT = reverse("audit-log")


def _age(entry: AuditLog, days: int) -> None:
    # The log is append-only; a test moves a row back in time behind the model's back.
    models.QuerySet.update(
        AuditLog.objects.filter(pk=entry.pk), at=timezone.now() - timedelta(days=days)
    )


def _opened(user, family, days_ago=0, action=AuditAction.VIEW):
    entry = audit_log_record(user=user, action=action, obj=family)
    if days_ago:
        _age(entry, days_ago)
    return entry


# --- the audit log page --------------------------------------------------------------------


def test_who_opened_this_family_in_the_last_year_is_one_screen(
    adam_client, alice, bob, family_a, family_b
):
    recent = _opened(alice, family_a, days_ago=30)
    _opened(bob, family_a, days_ago=400)
    _opened(alice, family_a, action=AuditAction.CHANGE)
    _opened(alice, family_b)
    year_ago = (timezone.localdate() - timedelta(days=365)).isoformat()

    response = adam_client.get(AUDIT, {"gezin": family_a.pk, "actie": "view", "van": year_ago})

    assert response.status_code == 200
    assert [entry.pk for entry in response.context["page"]] == [recent.pk]
    html = response.content.decode()
    assert "alice" in html and "bob" not in html.split('id="audit-log"')[1]


def test_the_log_filters_by_user_and_period(adam_client, alice, bob, family_a):
    _opened(alice, family_a, days_ago=10)
    by_bob = _opened(bob, family_a, days_ago=10)
    today = timezone.localdate()

    page = adam_client.get(AUDIT, {"gebruiker": bob.pk}).context["page"]
    assert [entry.pk for entry in page] == [by_bob.pk]
    until = (today - timedelta(days=20)).isoformat()
    assert not list(adam_client.get(AUDIT, {"tot": until}).context["page"])
    response = adam_client.get(AUDIT, {"van": today.isoformat(), "tot": until})
    assert response.context["form"].errors["tot"]


def test_the_log_is_paginated_with_constant_queries(adam_client, alice, family_a):
    for _ in range(3):
        _opened(alice, family_a)
    with CaptureQueriesContext(connection) as few:
        adam_client.get(AUDIT)
    for _ in range(80):
        _opened(alice, FamilyFactory(school=family_a.school))
    with CaptureQueriesContext(connection) as many:
        response = adam_client.get(AUDIT)
    assert len(response.context["page"]) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_log_downloads_through_the_safe_writer_and_the_download_is_logged(
    adam_client, adam, family_a
):
    sneaky = UserFactory(username="+cmd", role=Role.COORDINATOR)
    _opened(sneaky, family_a)

    response = adam_client.get(AUDIT, {"formaat": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["tijdstip", "gebruiker", "rol", "actie"]
    assert rows[1][1] == "'+cmd"
    assert rows[1][5] == family_a.code
    assert AuditLog.objects.filter(
        user=adam, action=AuditAction.EXPORT, object_type="familieschool.auditlog"
    ).exists()
    xlsx = adam_client.get(AUDIT, {"formaat": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_only_an_administrator_reads_the_log(alice_client, lisa_client):
    assert alice_client.get(AUDIT).status_code == 403
    assert lisa_client.get(AUDIT).status_code == 403


def test_the_log_is_kept_for_the_configured_period(settings, alice, family_a):
    settings.AUDIT_LOG_KEEP_MONTHS = 12
    old = _opened(alice, family_a, days_ago=400)
    young = _opened(alice, family_a, days_ago=300)

    counts = retention_apply()

    assert counts["audit_log_rows"] == 1
    assert not AuditLog.objects.filter(pk=old.pk).exists()
    assert AuditLog.objects.filter(pk=young.pk).exists()
    with pytest.raises(TypeError):
        AuditLog.objects.all().delete()


# --- the admin writes audit rows ------------------------------------------------------------


def test_opening_and_saving_a_family_in_the_admin_is_logged(adam_client, adam, family_a, parent_a):
    url = reverse("admin:familieschool_family_change", args=[family_a.pk])

    assert adam_client.get(url).status_code == 200

    view = AuditLog.objects.get(user=adam, action=AuditAction.VIEW)
    assert (view.family, view.object_type, view.role) == (
        family_a,
        "familieschool.family",
        "administrator",
    )
    form = adam_client.get(url).context["adminform"].form
    data = {
        "school": family_a.school_id,
        "code": family_a.code,
        "languages": "Arabisch",
        "parents-TOTAL_FORMS": "1",
        "parents-INITIAL_FORMS": "1",
        "parents-0-id": parent_a.pk,
        "parents-0-family": family_a.pk,
        "parents-0-first_name": "Fatima",
        "parents-0-preferred_language": parent_a.preferred_language,
        "children-TOTAL_FORMS": "0",
        "children-INITIAL_FORMS": "0",
    }
    assert form is not None
    response = adam_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AuditLog.objects.filter(user=adam, action=AuditAction.CHANGE, family=family_a).exists()


def test_opening_a_contact_in_the_admin_is_logged_with_its_family(adam_client, adam, family_a):
    contact = ContactFactory(school=family_a.school, family=family_a)

    adam_client.get(reverse("admin:servicepunt_contact_change", args=[contact.pk]))

    entry = AuditLog.objects.get(user=adam, action=AuditAction.VIEW)
    assert (entry.family, entry.object_type, entry.object_id) == (
        family_a,
        "servicepunt.contact",
        contact.pk,
    )


# --- a family's data: inzage and erasure ------------------------------------------------------


@pytest.fixture
def held(family_a, parent_a, partner_p):
    contact = ContactFactory(
        school=family_a.school, family=family_a, parent=parent_a, note="Vraag over huurschuld"
    )
    referral = ReferralFactory(contact=contact, partner=partner_p, consent_given_by="Fatima")
    session = SessionFactory(activity__school=family_a.school)
    AttendanceFactory(session=session, parent=parent_a)
    return {"contact": contact, "referral": referral}


def test_the_data_page_shows_everything_and_is_logged(adam_client, adam, family_a, held):
    response = adam_client.get(reverse("family-privacy", args=[family_a.pk]))

    html = response.content.decode()
    assert "El Amrani" in html
    assert "Vraag over huurschuld" in html
    keys = {section.key for section in response.context["sections"]}
    assert {
        "familieschool.family",
        "familieschool.parent",
        "servicepunt.contact",
        "servicepunt.referral",
        "servicepunt.referralstatuschange",
        "activiteiten.attendance",
        "familieschool.auditlog",
    } <= keys
    assert response["Cache-Control"].count("no-store")
    assert AuditLog.objects.filter(user=adam, action=AuditAction.VIEW, family=family_a).exists()
    assert reverse("admin:familieschool_family_change", args=[family_a.pk]) in html


def test_the_json_file_holds_the_same_data_and_the_download_is_logged(
    adam_client, adam, family_a, held
):
    response = adam_client.get(reverse("family-privacy-json", args=[family_a.pk]))

    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["gezin"] == family_a.code
    assert data["gegevens"]["familieschool.parent"][0]["last_name"] == "El Amrani"
    assert data["gegevens"]["servicepunt.contact"][0]["note"] == "Vraag over huurschuld"
    assert data["gegevens"]["servicepunt.referral"][0]["consent_given_by"] == "Fatima"
    assert AuditLog.objects.filter(
        user=adam, action=AuditAction.EXPORT, family=family_a, object_type="familieschool.family"
    ).exists()


def test_erasing_removes_personal_data_keeps_figures_and_records_the_request(
    adam_client, adam, family_a, parent_a, held
):
    contacts_before = Contact.objects.count()
    url = reverse("family-erase", args=[family_a.pk])

    refused = adam_client.post(url, {})
    assert refused.status_code == 400
    assert Parent.objects.get(pk=parent_a.pk).last_name == "El Amrani"

    response = adam_client.post(url, {"confirm": "on"})

    assert response.status_code == 302
    parent_a.refresh_from_db()
    family_a.refresh_from_db()
    assert (parent_a.first_name, parent_a.last_name) == ("", "")
    assert family_a.anonymised_at is not None
    held["contact"].refresh_from_db()
    assert held["contact"].note == ""
    assert held["contact"].family == family_a
    assert Contact.objects.count() == contacts_before
    assert AuditLog.objects.filter(user=adam, action=AuditAction.ERASE, family=family_a).exists()
    again = adam_client.post(url, {"confirm": "on"})
    assert again.status_code == 400
    assert "al gewist" in again.content.decode()


def test_a_coordinator_cannot_use_the_data_pages(alice_client, family_a):
    erase = reverse("family-erase", args=[family_a.pk])
    assert alice_client.get(reverse("family-privacy", args=[family_a.pk])).status_code == 403
    assert alice_client.post(erase, {"confirm": "on"}).status_code == 403
    family_a.refresh_from_db()
    assert family_a.anonymised_at is None
