"""The load test (scripts/load.py) runs celery beat with the schedule of the database, as
production does, and says when beat's recount of the reach figures ran in the measurement.

The end-to-end test starts the load test's own worker and beat commands on a real Redis and the
test database: beat sends the recount at the moment the load test asks for, nothing else is
caught up when it starts, and the worker's log is read back into that run.
"""

import importlib.util
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from tests.processes import CeleryProcess, RedisServer, database_url, wait_for

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("load_script", ROOT / "scripts" / "load.py")
load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load)


def _compose_beat_scheduler() -> str:
    words = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["beat"][
        "command"
    ].split()
    return words[words.index("--scheduler") + 1]


def test_the_load_test_runs_beat_with_the_schedule_of_the_database_niced_as_its_worker():
    beat = load.beat_command()
    assert beat[beat.index("--scheduler") + 1] == load.BEAT_SCHEDULER
    assert load.BEAT_SCHEDULER == _compose_beat_scheduler() == settings.CELERY_BEAT_SCHEDULER
    assert "beat" in beat and beat[:3] == load.worker_command()[:3] == ["nice", "-n", "10"]


def _sample(moment: float, milliseconds: float, phase: str, role: str = "coordinator"):
    return load.Sample(role, "walk-in page", milliseconds, phase, False, moment)


def test_a_recount_is_placed_in_its_phase_with_the_coordinators_p95_while_it_ran():
    since = 1_000_000.0
    # Phases of 30 s: with, without, without, with (90-120 s), with (120-150 s), ...
    samples = [_sample(m, 40, "with") for m in range(6, 30)]
    samples += [_sample(m, 45, "without") for m in range(36, 90)]
    samples += [_sample(m, 50, "with") for m in (91, 92, 93, 94, 120, 130, 140)]
    samples += [_sample(m + 0.5, 900, "with") for m in range(96, 104)]
    samples += [_sample(99, 5000, "with", role="leader")]
    run = load.TaskRun("abc", since + 95.5, since + 104.0, 8.0, "{'recounted': 3}")

    lines = load.recount_report([run], since, 30, 8, samples)

    assert "96-104 s into the measurement, phase 4 (with): {'recounted': 3}" in lines[0]
    assert "ran 8.0 s" in lines[0]
    assert "while it ran: 900 ms (8 requests)" in lines[1]
    # The rest of the phases with the leaders; not the phases without, not the leader's page.
    assert "the rest of the phases with the leaders: 50 ms (31 requests)" in lines[1]


def test_a_recount_over_a_phase_boundary_or_outside_the_measurement_says_so():
    since = 1_000_000.0
    across = load.TaskRun("a", since + 115, since + 125, 10.0, "{}")
    before = load.TaskRun("b", since - 20, since - 12, 8.0, "{}")
    expired = load.TaskRun("c", None, since + 300, None, "not run: expired or revoked")

    lines = load.recount_report([across, before, expired], since, 30, 8, [])

    assert "phase 4 (with) to phase 5 (with)" in lines[0]
    assert "before the measurement" in lines[2]
    assert lines[3].endswith(
        "did not succeed, 300-300 s into the measurement, "
        "after the measurement: not run: expired or revoked"
    )
    assert len(lines) == 4  # no p95 line for a run outside the measurement


def test_the_worker_log_is_read_in_the_portal_time_zone():
    log = "\n".join(
        [
            "[2026-11-30 14:05:01,250: INFO/MainProcess] Task rapportage.tasks.recount_reach"
            "[id-1] received",
            "[2026-11-30 14:05:01,300: INFO/MainProcess] Task rapportage.tasks.build_reach_export"
            "[id-2] received",
            "[2026-11-30 14:05:09,750: INFO/ForkPoolWorker-1] reach figures: 3 periods recounted",
            "[2026-11-30 14:05:09,800: INFO/ForkPoolWorker-1] Task rapportage.tasks.recount_reach"
            "[id-1] succeeded in 8.5s: {'recounted': 3, 'unchanged': 0, 'removed': 0}",
            "[2026-11-30 14:10:02,000: INFO/MainProcess] Task rapportage.tasks.recount_reach"
            "[id-3] received",
            "[2026-11-30 14:10:02,010: INFO/MainProcess] Discarding revoked task: "
            "rapportage.tasks.recount_reach[id-3]",
        ]
    )

    first, second = load.task_runs(log, load.RECOUNT, "Europe/Amsterdam")

    utc = ZoneInfo("UTC")
    assert first.received == datetime(2026, 11, 30, 13, 5, 1, 250000, utc).timestamp()
    assert first.seconds == 8.5 and first.outcome.startswith("{'recounted': 3")
    assert first.started == pytest.approx(datetime(2026, 11, 30, 13, 5, 1, 300000, utc).timestamp())
    assert second.seconds is None and second.outcome == "not run: expired or revoked"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_sends_the_recount_when_the_load_test_asks_and_catches_up_nothing(tmp_path):
    # The migrations' schedule, as the benchmark set has it after a run long ago: a morning
    # mail last sent yesterday is due again at once unless the load test says beat ran until now.
    yesterday = datetime.now(ZoneInfo(settings.TIME_ZONE)) - timedelta(days=1)
    assert PeriodicTask.objects.filter(crontab__isnull=False).update(
        last_run_at=yesterday.replace(hour=6)
    )
    assert PeriodicTask.objects.filter(task=load.RECOUNT).update(last_run_at=yesterday)
    with load.database(database_url()) as connection:
        assert load.beat_runs_since_now(connection) == PeriodicTask.objects.enabled().count()

    redis_server = RedisServer(tmp_path)
    redis_server.start()
    worker = CeleryProcess(
        load.worker_command(), tmp_path / "worker.log", broker_url=redis_server.url
    )
    beat = CeleryProcess(load.beat_command(), tmp_path / "beat.log", broker_url=redis_server.url)
    try:
        wait_for(lambda: " ready." in worker.output(), timeout=90, what="the worker")
        wait_for(lambda: "beat: Starting..." in beat.output(), timeout=90, what="beat")
        time.sleep(2)
        due = time.time() + 8
        with load.database(database_url()) as connection:
            assert load.recount_due_at(connection, due) == 300

        wait_for(
            lambda: any(
                run.seconds is not None
                for run in load.task_runs(worker.output(), load.RECOUNT, settings.TIME_ZONE)
            ),
            timeout=60,
            what="the recount",
        )
    finally:
        for process in (beat, worker):
            process.stop()
        redis_server.stop()

    (run,) = load.task_runs(worker.output(), load.RECOUNT, settings.TIME_ZONE)
    assert due - 0.5 <= run.received <= due + 5, (run, due, beat.output())
    assert run.seconds is not None and run.started <= run.finished
    assert run.outcome.startswith("{'recounted': ")
    # Nothing else was due: no morning mail caught up, the relay's minute not over yet.
    sent = [line for line in beat.output().splitlines() if "Sending due task" in line]
    assert len(sent) == 1 and f"({load.RECOUNT})" in sent[0], beat.output()
