"""Capacity settings: gunicorn from the environment, persistent connections, statement timeout."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_takes_workers_threads_and_timeouts_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    monkeypatch.setenv("WEB_STATEMENT_TIMEOUT", "2500")
    monkeypatch.delenv("DATABASE_STATEMENT_TIMEOUT", raising=False)

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    assert (config["workers"], config["threads"], config["timeout"]) == (5, 8, 45)
    assert config["worker_class"] == "gthread"
    assert os.environ["DATABASE_STATEMENT_TIMEOUT"] == "2500"


def test_connections_are_kept_and_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def _run_with_timeout(timeout_ms: int, sql: str) -> subprocess.CompletedProcess:
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        f"    cursor.execute({sql!r})\n"
        "    print(cursor.fetchone()[0])\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "familieschool.settings",
        "DATABASE_URL": url,
        "DATABASE_STATEMENT_TIMEOUT": str(timeout_ms),
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.integration
@pytest.mark.django_db
def test_a_web_process_has_a_statement_timeout_that_stops_a_slow_query():
    shown = _run_with_timeout(1234, "SHOW statement_timeout")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "1234ms"

    slow = _run_with_timeout(200, "SELECT pg_sleep(3)")
    assert slow.returncode != 0
    assert "statement timeout" in slow.stderr
