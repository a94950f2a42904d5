"""Login protection: lockout per username and per address, unlock, audit rows, password reset."""

import logging
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from familieschool.constants import AuditAction
from familieschool.models import AuditLog
from tests.familieschool.factories import PASSWORD

LOCKED = "Te veel mislukte pogingen om in te loggen"


def attempt(client, username, password="fout", ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        attempt(client, username, ip=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def error_text(response) -> str:
    """The visible alert of the login page, without the per-response CSRF token."""
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.django_db
def test_the_right_password_is_refused_after_five_failures(client, alice):
    fail(client, "alice", 5)
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "15 minuten" in response.content.decode()
    assert not logged_in(client)


@pytest.mark.django_db
def test_four_failures_still_let_the_right_password_in(client, alice):
    fail(client, "alice", 4)
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)
    # A success clears the count: four more failures do not lock.
    client.logout()
    fail(client, "alice", 4)
    assert attempt(client, "alice", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lockout_page_is_the_same_for_a_user_that_does_not_exist(client, alice):
    fail(client, "alice", 5, ip="10.0.0.1")
    fail(client, "nobody", 5, ip="10.0.0.2")
    existing = attempt(client, "alice", ip="10.0.0.1")
    unknown = attempt(client, "nobody", ip="10.0.0.2")
    assert existing.status_code == unknown.status_code == 429
    assert error_text(existing).replace("alice", "nobody") == error_text(unknown)


@pytest.mark.django_db
def test_a_wrong_password_and_an_unknown_user_get_the_same_message(client, alice):
    existing = attempt(client, "alice", ip="10.0.0.1")
    unknown = attempt(client, "nobody", ip="10.0.0.2")
    assert existing.status_code == unknown.status_code == 200
    assert error_text(existing).replace("alice", "nobody") == error_text(unknown)


@pytest.mark.django_db
def test_one_address_trying_many_usernames_is_locked_out(client, alice):
    for n in range(5):
        attempt(client, f"guess{n}", ip="10.0.0.9")
    assert attempt(client, "alice", PASSWORD, ip="10.0.0.9").status_code == 429
    # The same account from another address is not affected by that address's lockout.
    assert attempt(client, "alice", PASSWORD, ip="10.0.0.10").status_code == 302


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": f"guess{n}", "password": "fout"},
            REMOTE_ADDR="172.16.0.1",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.7",
        )
    assert AccessAttempt.objects.filter(ip_address="203.0.113.7").count() == 5
    # Another visitor behind the same proxy can still log in.
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="172.16.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_failures_and_the_lockout_of_an_existing_user_are_audited(client, alice):
    fail(client, "alice", 5)
    rows = AuditLog.objects.filter(user=alice)
    assert rows.filter(action=AuditAction.LOGIN_FAILED).count() == 5
    lockout = rows.get(action=AuditAction.LOCKOUT)
    assert lockout.object_type == "familieschool.user"
    assert lockout.object_id == alice.pk
    assert lockout.family is None


@pytest.mark.django_db
def test_attempts_on_unknown_usernames_write_no_audit_row(client, alice):
    fail(client, "nobody", 6)
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_an_administrator_unlocks_a_user_from_the_user_list(client, alice, adam_client):
    fail(client, "alice", 5)
    response = adam_client.post(
        reverse("admin:familieschool_user_changelist"),
        {"action": "unlock_login", "_selected_action": [alice.pk]},
    )
    assert response.status_code == 302
    assert attempt(client, "alice", PASSWORD).status_code == 302
    unlock = AuditLog.objects.get(action=AuditAction.UNLOCK)
    assert unlock.user.username == "adam"
    assert unlock.object_id == alice.pk


@pytest.mark.django_db
def test_an_administrator_unlocks_an_address_from_the_login_attempts(client, alice, adam_client):
    for n in range(5):
        attempt(client, f"guess{n}", ip="10.0.0.9")
    page = adam_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    assert "guess0" in page.content.decode()
    assert "Ontgrendelen" in page.content.decode()
    adam_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "unlock",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
        },
    )
    assert not AccessAttempt.objects.exists()
    assert AuditLog.objects.filter(action=AuditAction.UNLOCK).count() == 5
    assert attempt(client, "alice", PASSWORD, ip="10.0.0.9").status_code == 302


@pytest.mark.django_db
def test_the_login_attempts_cannot_be_deleted_around_the_audit(adam_client, client, alice):
    fail(client, "alice", 1)
    pk = AccessAttempt.objects.get().pk
    response = adam_client.get(reverse("admin:axes_accessattempt_delete", args=[pk]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_no_username_or_address_reaches_the_log(client, alice, caplog):
    caplog.set_level(logging.DEBUG)
    fail(client, "alice", 6, ip="10.0.0.77")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "alice" not in text
    assert "10.0.0.77" not in text


@pytest.mark.django_db
def test_a_password_reset_by_email_sets_a_new_password_and_lifts_the_lockout(client, alice):
    alice.email = "alice@school.example"
    alice.save()
    fail(client, "alice", 5)

    response = client.post(reverse("password_reset"), {"email": "alice@school.example"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Kies een nieuw wachtwoord voor het Familieschool-portaal"
    assert "alice" not in message.subject + message.body
    link = re.search(r"http://127\.0\.0\.1:8000(/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Kies een nieuw wachtwoord" in form_page.content.decode()
    new_password = "een heel ander wachtwoord 42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.url == reverse("password_reset_complete")
    assert attempt(client, "alice", new_password).status_code == 302


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, alice):
    response = client.post(reverse("password_reset"), {"email": "niemand@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_reset_pages_are_dutch(client):
    html = client.get(reverse("password_reset")).content.decode()
    assert "Wachtwoord vergeten?" in html
    assert "Stuur de link" in html
    invalid = client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "x-y"})
    ).content.decode()
    assert "Deze link werkt niet meer" in invalid
