import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_the_database(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "outbox_pending": 0}


@pytest.mark.django_db
def test_healthz_fails_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error", "outbox_pending": 0}


@pytest.mark.integration
@pytest.mark.django_db
def test_healthz_reports_a_running_broker(client, settings):
    # make test starts a real Redis and exports its URL.
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    response = client.get(reverse("healthz"))
    assert response.json() == {"database": "ok", "broker": "ok", "outbox_pending": 0}


@pytest.mark.django_db
def test_pages_are_dutch_with_a_skip_link_and_vendored_bootstrap(alice_client):
    html = alice_client.get(reverse("servicepunt:walkin")).content.decode()
    assert '<html lang="nl"' in html
    assert 'href="#main"' in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "cdn" not in html.lower()
    assert "Uitloggen" in html


@pytest.mark.django_db
def test_the_staff_portal_stays_dutch_for_a_browser_that_prefers_english(alice_client):
    html = alice_client.get(
        reverse("servicepunt:walkin"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    assert '<html lang="nl"' in html
    assert "Uitloggen" in html
    assert "Log out" not in html


def _settings_import(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-c", "import familieschool.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_import({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_runs_without_a_secret_key():
    assert _settings_import({"DEBUG": "1"}).returncode == 0


def test_password_rules_use_argon2_and_twelve_characters():
    from familieschool import settings

    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    validators = {v["NAME"].rsplit(".", 1)[1]: v for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert validators["MinimumLengthValidator"]["OPTIONS"]["min_length"] == 12


@pytest.mark.django_db
def test_flash_messages_stay_on_the_server(alice_client, school_a):
    from servicepunt.models import Theme
    from tests.servicepunt.test_views import walkin_data

    # Messages may name a parent; they must not travel to the browser in a cookie.
    response = alice_client.post(
        reverse("servicepunt:walkin"), walkin_data(school_a, Theme.objects.first())
    )
    assert response.status_code == 302
    assert "messages" not in response.cookies
    follow = alice_client.get(response.url)
    assert "alert-success" in follow.content.decode()
