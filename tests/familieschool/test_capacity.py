"""Capacity settings: gunicorn from the environment, persistent connections, statement timeout."""

import gc
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
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


def test_gunicorn_loads_the_portal_once_in_its_master_unless_told_not_to(monkeypatch):
    monkeypatch.delenv("GUNICORN_PRELOAD", raising=False)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["preload_app"] is True
    monkeypatch.setenv("GUNICORN_PRELOAD", "0")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["preload_app"] is False


def test_gunicorn_freezes_what_the_master_loaded_and_what_a_worker_s_first_requests_built(
    monkeypatch,
):
    """Objects frozen before each fork and once after a worker's first GC_FREEZE_AFTER requests
    are left out of the garbage collector's walks (a full walk of the loaded portal stalled a
    worker for 110-160 ms); GUNICORN_GC_FREEZE=0 leaves the collector alone."""

    class Worker:
        nr = 0

    monkeypatch.delenv("GUNICORN_GC_FREEZE", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    try:
        gc.unfreeze()
        config["pre_fork"](None, Worker())
        frozen = gc.get_freeze_count()
        assert frozen > 0

        gc.unfreeze()
        worker = Worker()
        worker.nr = config["GC_FREEZE_AFTER"] - 1
        config["post_request"](worker, None, {}, None)
        assert gc.get_freeze_count() == 0
        worker.nr += 1
        config["post_request"](worker, None, {}, None)
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        worker.nr += 1
        config["post_request"](worker, None, {}, None)
        assert gc.get_freeze_count() == 0  # once per worker

        monkeypatch.setenv("GUNICORN_GC_FREEZE", "0")
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        config["pre_fork"](None, Worker())
        worker = Worker()
        worker.nr = config["GC_FREEZE_AFTER"]
        config["post_request"](worker, None, {}, None)
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def _database_url() -> str:
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@pytest.mark.integration
@pytest.mark.django_db
def test_gunicorn_serves_from_workers_forked_from_the_loaded_portal_while_it_recycles_them(
    tmp_path,
):
    """The real gunicorn with gunicorn.conf.py: one worker recycled after every 3 requests, each
    new one forked from the master that loaded the portal (and froze it for the garbage
    collector); every answer (a query on PostgreSQL each) still comes, from at least three
    different workers, and no hook fails."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "familieschool.settings",
        "DATABASE_URL": _database_url(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "1",
        "GUNICORN_MAX_REQUESTS": "3",
        "GUNICORN_GC_FREEZE_AFTER": "1",
        "GUNICORN_ACCESS_LOG": "",
    }
    env.pop("GUNICORN_PRELOAD", None)
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as errors:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "familieschool.wsgi:application",
                "-c",
                "gunicorn.conf.py",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    try:
        deadline = time.monotonic() + 60
        answers = []
        while len(answers) < 10 and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
                    answers.append((r.status, r.read()))
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert len(answers) == 10, log.read_text()
    assert {status for status, _body in answers} == {200}
    text = log.read_text()
    assert text.count("Booting worker") >= 3, text
    assert "Autorestarting worker" in text
    # Each worker froze what it built after its first request (GUNICORN_GC_FREEZE_AFTER=1).
    assert "Exception in" not in text, text


def test_connections_are_kept_and_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def _run_with_timeout(timeout_ms: int, sql: str) -> subprocess.CompletedProcess:
    url = _database_url()
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
