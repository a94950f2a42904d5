"""The integration test needs the worker to see the test's committed rows: PostgreSQL only.

On SQLite (``make test-quick``, or pytest without DATABASE_URL) the test database lives in
memory of this process, which a worker process cannot share; the integration tests of this
directory are then deselected, and the summary says so. ``make test`` runs them on PostgreSQL.
"""

import os
from datetime import date
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_deselected: list[str] = []

# The day the scheduled jobs run for: a Tuesday in term time without a public holiday.
DAY = date(2030, 3, 12)


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql"))


def pytest_collection_modifyitems(config, items):
    if on_postgres():
        return
    keep, drop = [], []
    for item in items:
        inside = HERE in Path(str(item.fspath)).resolve().parents
        (drop if inside and item.get_closest_marker("integration") else keep).append(item)
    if drop:
        _deselected.extend(item.nodeid for item in drop)
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter):
    if _deselected:
        terminalreporter.write_line(
            f"tests/notifications: {len(_deselected)} integration test(s) deselected: they need "
            "DATABASE_URL=postgres://... so a Celery worker can share the test database; "
            "`make test` runs them.",
            yellow=True,
        )


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the transaction.on_commit callbacks (the outbox publishing) as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
