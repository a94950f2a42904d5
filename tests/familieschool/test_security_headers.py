"""Security headers on every page, and the limits of a staff session."""

import time

import pytest
from django.urls import reverse

from familieschool.middleware import LAST_SEEN, LOGIN_AT
from tests.familieschool.factories import PASSWORD


@pytest.mark.django_db
def test_every_page_has_a_strict_content_security_policy(client, alice_client):
    for response in (client.get(reverse("login")), alice_client.get(reverse("servicepunt:walkin"))):
        csp = response.headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert "Content-Security-Policy-Report-Only" not in response.headers


@pytest.mark.django_db
def test_report_only_mode_sends_the_policy_without_enforcing_it(client, settings):
    settings.CSP_REPORT_ONLY = True
    settings.CSP_REPORT_URI = "/csp-rapport/"
    response = client.get(reverse("login"))
    assert "Content-Security-Policy" not in response.headers
    policy = response.headers["Content-Security-Policy-Report-Only"]
    assert policy.startswith("default-src 'self'")
    assert policy.endswith("report-uri /csp-rapport/")


@pytest.mark.django_db
def test_a_permissions_policy_turns_off_camera_microphone_and_location(client):
    policy = client.get(reverse("login")).headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


@pytest.mark.django_db
def test_the_family_page_may_not_be_stored_by_the_browser(alice_client, family_a, parent_a):
    response = alice_client.get(reverse("servicepunt:family-detail", args=[family_a.pk]))
    assert response.status_code == 200
    assert "Fatima" in response.content.decode()
    cache_control = response.headers["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


@pytest.mark.django_db
def test_exports_and_admin_pages_are_not_stored_either(lisa_client, adam_client):
    assert "no-store" in adam_client.get(reverse("admin:index")).headers["Cache-Control"]
    dashboard = lisa_client.get(reverse("rapportage:dashboard"))
    assert "no-store" in dashboard.headers["Cache-Control"]


def _age_session(client, *, idle: float, since_login: float):
    session = client.session
    now = time.time()
    session[LAST_SEEN] = now - idle
    session[LOGIN_AT] = now - since_login
    session.save()


@pytest.mark.django_db
def test_thirty_minutes_without_a_request_log_the_user_out(alice_client):
    _age_session(alice_client, idle=31 * 60, since_login=2 * 60 * 60)
    response = alice_client.get(reverse("servicepunt:walkin"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in alice_client.session
    login_page = alice_client.get(response.url).content.decode()
    assert "Je bent uitgelogd na 30 minuten zonder activiteit." in login_page


@pytest.mark.django_db
def test_twenty_nine_idle_minutes_keep_the_session_and_restart_the_clock(alice_client):
    _age_session(alice_client, idle=29 * 60, since_login=2 * 60 * 60)
    assert alice_client.get(reverse("servicepunt:walkin")).status_code == 200
    assert time.time() - alice_client.session[LAST_SEEN] < 5


@pytest.mark.django_db
def test_the_idle_timeout_is_a_setting(alice_client, settings):
    settings.SESSION_IDLE_MINUTES = 5
    _age_session(alice_client, idle=6 * 60, since_login=6 * 60)
    assert alice_client.get(reverse("servicepunt:walkin")).status_code == 302


@pytest.mark.django_db
def test_an_active_session_still_ends_at_the_absolute_maximum(alice_client, settings):
    _age_session(alice_client, idle=10, since_login=settings.SESSION_COOKIE_AGE + 1)
    response = alice_client.get(reverse("servicepunt:walkin"))
    assert response.status_code == 302
    assert "_auth_user_id" not in alice_client.session


@pytest.mark.django_db
def test_logging_in_gives_the_session_a_new_key(client, alice):
    session = client.session
    session["before"] = True
    session.save()
    before = session.session_key
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session[LOGIN_AT] == pytest.approx(time.time(), abs=5)


def test_check_deploy_passes_with_the_readme_production_variables():
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    # Only what a production machine has: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE here.
    skip = ("SECRET", "DEBUG", "SECURE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    readme_production = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "portal.example.org",
        "SITE_URL": "https://portal.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env={**clean, **readme_production},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "security.W" not in result.stdout + result.stderr
