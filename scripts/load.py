#!/usr/bin/env python
"""The load test: gunicorn on the city-sized data set, driven by locust on loopback.

`make load` runs this inside scripts/test-services.sh with the PostgreSQL cluster of
``.bench/pg`` (built by the first `make bench-pages` or `make load`, reused after). It starts
gunicorn with gunicorn.conf.py (GUNICORN_WORKERS, GUNICORN_THREADS from the environment) on
127.0.0.1, a niced Celery worker and a niced celery beat with the schedule of the database (its
recount of the reach figures placed in the measurement, ``--recount-at``, and printed with its
phase and the coordinators' p95 while it ran), and runs scripts/locustfile.py once: 25 users,
whose measurement alternates phases of ``--phase`` seconds with and without the two project
leaders' reports (with, without, without, with, ...; ``--seconds`` of each). It prints, for each
condition, p50/p95/p99 per page and the ratio of each page's p95 to the p95 of ``/healthz`` in
the same condition, and the coordinators' p95 with and without the leaders. Targets (2 cores, 25
users): coordinator and partner pages within 5x the healthz p95; the leaders' reports change the
coordinators' p95 by less than 20%.

Why phases in one run: the two conditions used to be two runs a few minutes apart, and the
coordinators' p95 without the leaders moved 71-100 ms from one run to the next (the database's
cache, the walk-ins saved by the run before, the machine), which was as much as the effect to be
measured. Alternating in one run gives both conditions the same machine and the same minutes.

The project leaders log in with their second step: the script gives each an authenticator app
(a TOTP key; test data only) and the locustfile types its code.

Time: about 1 minute to start (migrate, static files, gunicorn) once the data set is built, 20 s
of logins, then 2 x ``--seconds`` (default 120) of phases: about 6 minutes in all.
Every request comes on a connection of its own, as the TLS proxy in front of the portal forwards
them (nginx's default towards its upstream); ``--keep-alive`` keeps one connection per user
instead, as a browser talking to gunicorn directly. With kept-open connections gunicorn's gthread
worker serves a connection in the process that accepted it, and in a 60 s run one of the three
workers served 1415 requests and every ``/healthz``, the other two 152 and 330: the figures were
those of one busy process. The run prints how its requests spread over the workers.

Usage: scripts/load.py [--seconds N] [--phase N] [--keep-alive] [--recount-at N]
       | --capacity [--seconds N]
"""

import argparse
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
# Each table is printed as its run ends, also when the output goes to a pipe or a file.
sys.stdout.reconfigure(line_buffering=True)
PY = sys.executable
BIN = Path(PY).parent
COORDINATOR_PAGES = [
    "walk-in page",
    "walk-in save",
    "contact list",
    "contact list, filtered",
    "family page",
    "referral list",
    "activity list",
    "attendance page",
    "attendance search",
    "school week",
]
# Seconds between the last login and the start of the figures (first requests of each thread:
# database connections, templates).
WARMUP = 5
# Seconds at the start of each phase whose requests are left out: a download asked at the end
# of a phase with the leaders is still being built then, and they start again after one without.
SETTLE = 5
PARTNER_PAGES = ["partner's week", "partner's referral list", "calendar feed"]
LEADER_PAGES = [
    "reach dashboard",
    "reach export csv",
    "reach export xlsx",
    "reach export job page",
    "reach export status",
    "reach export file csv",
    "reach export file xlsx",
    "reach export csv, ready",
    "reach export xlsx, ready",
]
# Not requests: the time from asking for a download to having its file (the locustfile's FLOW).
FLOWS = {"reach export csv, ready", "reach export xlsx, ready"}
# The phases of the measurement, as the locustfile's PATTERN.
PATTERN = ("with", "without", "without", "with")
# celery beat runs the schedule stored in the database, as docker-compose.yml's beat does. Its
# row "Bereik: cijfers bijwerken" (rapportage migration 0004) sends this task every 300 s.
BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
RECOUNT = "rapportage.tasks.recount_reach"
# A Celery log line: "[2026-11-30 14:05:01,234: INFO/MainProcess] Task name[id] received".
LOG_LINE = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): [^\]]*\] (.*)$")


class Sample(NamedTuple):
    """One response time of the locustfile's TIMES."""

    role: str  # coordinator, partner, leader, monitor (/healthz), flow (download asked to file)
    page: str
    milliseconds: float
    phase: str  # with, without (the project leaders), all (a run without phases)
    failed: bool
    moment: float  # seconds into the measurement when the request started


class TaskRun(NamedTuple):
    """One run of a task in a Celery worker's log; times in seconds since the epoch."""

    task_id: str
    received: float | None
    finished: float | None
    seconds: float | None  # its run time ("succeeded in 8.4s"); None when it did not succeed
    outcome: str  # the task's result, or what the worker said instead

    @property
    def started(self) -> float | None:
        if self.finished is not None and self.seconds is not None:
            return self.finished - self.seconds
        return self.received


def task_runs(log: str, task: str, zone: str) -> list[TaskRun]:
    """The runs of ``task`` in a Celery worker's log, in the order received. The worker writes
    its local time, the portal's TIME_ZONE (``zone``: Django sets the process's TZ to it)."""
    runs: dict[str, dict] = {}
    for line in log.splitlines():
        match = LOG_LINE.match(line)
        if not match:
            continue
        at = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S,%f")
        moment = at.replace(tzinfo=ZoneInfo(zone)).timestamp()
        message = match[2]
        if message.startswith(f"Discarding revoked task: {task}["):
            task_id = message.split("[", 1)[1].rstrip("]")
            run = runs.setdefault(task_id, {"received": None})
            run.update(finished=moment, outcome="not run: expired or revoked")
            continue
        if not message.startswith(f"Task {task}["):
            continue
        task_id, said = message[len(f"Task {task}[") :].split("] ", 1)
        run = runs.setdefault(task_id, {"received": None})
        if said == "received":
            run["received"] = moment
        elif said.startswith("succeeded in "):
            seconds, result = said[len("succeeded in ") :].split("s: ", 1)
            run.update(finished=moment, seconds=float(seconds), outcome=result)
        else:
            run.update(finished=moment, outcome=said[:200])
    return [
        TaskRun(
            task_id,
            run["received"],
            run.get("finished"),
            run.get("seconds"),
            run.get("outcome", "not finished when the run ended"),
        )
        for task_id, run in runs.items()
    ]


def phase_name(moment: float, phase: int, phases: int) -> str:
    """Where ``moment`` (seconds into the measurement) lies: "phase 4 (with)", or before/after."""
    if moment < 0:
        return "before the measurement"
    number = int(moment // phase)
    if number >= phases:
        return "after the measurement"
    return f"phase {number + 1} ({PATTERN[number % len(PATTERN)]})"


def recount_report(
    runs: list[TaskRun], since: float, phase: int, phases: int, samples: list[Sample]
) -> list[str]:
    """A line per recount: when it ran in the measurement (``since``: its start, epoch s), in
    which phase, how long, its result, and the coordinators' p95 of the requests that started
    while it ran against the rest of the phases of the same condition."""
    lines = []
    for run in runs:
        started = run.started if run.started is not None else run.finished
        start = started - since
        end = (run.finished if run.finished is not None else started) - since
        where = phase_name(start, phase, phases)
        if phase_name(end, phase, phases) != where:
            where += f" to {phase_name(end, phase, phases)}"
        took = f"ran {run.seconds:.1f} s" if run.seconds is not None else "did not succeed"
        lines.append(
            f"  {time.strftime('%H:%M:%S', time.localtime(start + since))}: {took}, "
            f"{start:.0f}-{end:.0f} s into the measurement, {where}: {run.outcome}"
        )
        if not 0 <= start < phase * phases:
            continue
        condition = PATTERN[int(start // phase) % len(PATTERN)]
        during, rest = [], []
        for sample in samples:
            if sample.role != "coordinator" or sample.phase != condition:
                continue
            (during if start <= sample.moment <= end else rest).append(sample.milliseconds)
        lines.append(
            f"    coordinators' p95 while it ran: {percentile(during, 0.95):.0f} ms "
            f"({len(during)} requests); the rest of the phases {condition} the leaders: "
            f"{percentile(rest, 0.95):.0f} ms ({len(rest)} requests)"
        )
    return lines


def _niced_celery(*args: str) -> list[str]:
    """A celery command of the portal, niced so that the web requests win the cores."""
    return ["nice", "-n", "10", str(BIN / "celery"), "-A", "familieschool", *args]


def worker_command() -> list[str]:
    """The Celery worker of the run. Niced, so that the web requests win the cores; one
    process, as one worker machine would run. It consumes both queues: the default one
    (notifications, relay, the recount) and "reports" (the downloads, see
    CELERY_TASK_ROUTES); docker-compose.yml gives each queue a worker of its own."""
    return _niced_celery(
        "worker",
        "--queues",
        "celery,reports",
        "--concurrency",
        "1",
        "--pool",
        "prefork",
        "--loglevel",
        "INFO",
    )


def beat_command() -> list[str]:
    """celery beat with the schedule stored in the database, as docker-compose.yml's beat;
    niced as the worker."""
    return _niced_celery(
        "beat",
        "--scheduler",
        BEAT_SCHEDULER,
        "--loglevel",
        "INFO",
    )


def database(url: str):
    """A connection (autocommit) to the database of ``url``, for beat's rows."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    return psycopg.connect(
        dbname=config["NAME"],
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        autocommit=True,
    )


def _schedule_changed(connection) -> None:
    """A running beat (DatabaseScheduler) rereads its rows when this timestamp moves."""
    connection.execute(
        "INSERT INTO django_celery_beat_periodictasks (ident, last_update) VALUES (1, now()) "
        "ON CONFLICT (ident) DO UPDATE SET last_update = now()"
    )


def beat_runs_since_now(connection) -> int:
    """Every enabled row of beat's schedule as if beat had run until now, as it does in
    production; returns how many rows. A row whose last run lies before a time it was due is
    run at once when beat starts: the morning mails at any hour, and the first recount at a
    moment that depends on when the run before stopped."""
    changed = connection.execute(
        "UPDATE django_celery_beat_periodictask SET last_run_at = now() WHERE enabled"
    ).rowcount
    _schedule_changed(connection)
    return changed


def recount_due_at(connection, moment: float) -> float:
    """Make beat send the recount at ``moment`` (epoch s) and every interval after it, by
    moving its last run to one interval before; returns the interval in seconds. The schedule
    itself (every 300 s) stays as it is."""
    row = connection.execute(
        "SELECT t.id, i.every, i.period FROM django_celery_beat_periodictask t "
        "JOIN django_celery_beat_intervalschedule i ON i.id = t.interval_id "
        "WHERE t.task = %s AND t.enabled",
        [RECOUNT],
    ).fetchone()
    if row is None:
        raise SystemExit(f"beat's schedule has no enabled interval row for {RECOUNT}")
    pk, every, period = row
    interval = timedelta(**{period: every})
    last_run = datetime.fromtimestamp(moment).astimezone() - interval
    connection.execute(
        "UPDATE django_celery_beat_periodictask SET last_run_at = %s WHERE id = %s",
        [last_run, pk],
    )
    _schedule_changed(connection)
    return interval.total_seconds()


def manage(*args: str, env: dict) -> str:
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")


def wait_for_log(log: Path, text: str, what: str, seconds: float = 180) -> None:
    """Until ``text`` is in the log of a process started niced (tens of seconds on a busy
    machine)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in log.read_text():
            return
        time.sleep(0.5)
    raise SystemExit(f"{what} did not start; see {log}")


def wait_for_worker(log: Path, seconds: float = 180) -> None:
    """Until the Celery worker says it is ready: a download asked before then waits for it (the
    first run showed 33 s)."""
    wait_for_log(log, " ready.", "the Celery worker", seconds)


def run_locust(
    host: str,
    users: int,
    seconds: int,
    leaders: bool,
    tokens: str,
    keys: str,
    out: Path,
    scale: float = 1.0,
    phase: int = 0,
    keep_alive: bool = False,
    on_measuring=None,
):
    """One locust run; returns its samples (role, page, ms, phase, failed), the logins' times,
    the seconds measured and when the measurement started (epoch s). ``on_measuring`` is
    called with that moment as soon as the measurement starts."""
    started_file = Path(f"{out}_started")
    env = {
        **os.environ,
        "LOAD_LEADERS": "1" if leaders else "0",
        "LOAD_PHASE_SECONDS": str(phase),
        "LOAD_KEEP_ALIVE": "1" if keep_alive else "0",
        "LOAD_SETTLE_SECONDS": str(SETTLE),
        "LOAD_SCALE": str(scale),
        # The measurement starts WARMUP s after the last of the staff (all but the monitor) has
        # logged in, and lasts ``seconds`` (see the locustfile).
        "LOAD_STAFF": str(users - 1),
        "LOAD_SECONDS": str(seconds),
        "LOAD_WARMUP_SECONDS": str(WARMUP),
        "LOAD_CALENDAR_TOKENS": tokens,
        "LOAD_TOTP_KEYS": keys,
        "LOAD_TIMES_FILE": f"{out}_times.json",
        "LOAD_STARTED_FILE": str(started_file),
    }
    locust = subprocess.Popen(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "scripts" / "locustfile.py"),
            "--headless",
            "--host",
            host,
            "--users",
            str(users),
            # Everyone starts (and logs in: Argon2, deliberately slow) at once; the locustfile
            # starts the figures after the logins and stops the run ``seconds`` later. The
            # run time here only bounds a run whose logins never finish.
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{(2 * seconds if phase else seconds) + 120}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(out),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        # locust's own summary and any error go to a log next to the CSV files.
        stderr=open(f"{out}_locust.log", "w"),  # noqa: SIM115
    )
    try:
        while locust.poll() is None:
            if on_measuring and started_file.exists() and started_file.read_text():
                on_measuring(float(started_file.read_text()))
                on_measuring = None
            time.sleep(0.2)
    finally:
        if locust.poll() is None:
            locust.terminate()
            locust.wait(timeout=30)
    with open(f"{out}_times.json") as handle:
        recorded = json.load(handle)
    if not recorded["measured_seconds"]:
        raise SystemExit(f"not every user logged in; see {out}_locust.log")
    samples = [Sample(*values) for values in recorded["times"]]
    return samples, recorded["logins"], recorded["measured_seconds"], recorded["measuring_since"]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95 for p95); 0 without values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(title: str, samples: list[Sample], seconds: float) -> dict[str, list[float]]:
    """The table of one condition: per page its requests, failures, p50/p95/p99 and its p95
    against /healthz's p95 of the same samples. Returns the times per role."""
    pages: dict[str, list[float]] = {}
    failed: dict[str, int] = {}
    roles: dict[str, list[float]] = {}
    for sample in samples:
        pages.setdefault(sample.page, []).append(sample.milliseconds)
        failed[sample.page] = failed.get(sample.page, 0) + sample.failed
        roles.setdefault(sample.role, []).append(sample.milliseconds)
    health = percentile(pages.get("/healthz", []), 0.95) or 1.0
    total = sum(len(values) for role, values in roles.items() if role != "flow")
    print(f"\n{title}: {total} requests in {seconds:.0f} s = {total / seconds:.1f}/s")
    print(
        f"{'page':26} {'requests':>8} {'failed':>6} {'p50':>6} {'p95':>6} {'p99':>6} "
        f"{'p95/healthz':>11}"
    )
    for name in ["/healthz", *COORDINATOR_PAGES, *PARTNER_PAGES, *LEADER_PAGES]:
        values = pages.get(name)
        if not values:
            continue
        p95 = percentile(values, 0.95)
        mark = ""
        if name in COORDINATOR_PAGES + PARTNER_PAGES:
            mark = "ok" if p95 <= 5 * health else "over 5x"
        print(
            f"{name:26} {len(values):8d} {failed[name]:6d} {percentile(values, 0.5):6.0f} "
            f"{p95:6.0f} {percentile(values, 0.99):6.0f} {p95 / health:11.1f} {mark}"
        )
    print("all requests of a role:")
    for role in ("coordinator", "partner", "leader"):
        values = roles.get(role, [])
        if values:
            print(
                f"{role + 's':26} {len(values):8d}        {percentile(values, 0.50):6.0f} "
                f"{percentile(values, 0.95):6.0f} {percentile(values, 0.99):6.0f}"
            )
    return roles


def workers_share(access_log: Path) -> str:
    """How the run's requests (logins included) spread over gunicorn's worker processes, from
    its access log (pid first on each line): with kept-open connections one worker took most."""
    counts: dict[str, int] = {}
    with open(access_log) as handle:
        for line in handle:
            pid = line.split(" ", 1)[0]
            counts[pid] = counts.get(pid, 0) + 1
    total = sum(counts.values()) or 1
    shares = ", ".join(f"{n} ({n / total:.0%})" for n in sorted(counts.values(), reverse=True))
    return f"requests per gunicorn worker: {shares}"


def capacity(host: str, seconds: int, tokens: str, keys: str, work: Path) -> None:
    """Steps of 22, 44, 66 ... coordinators and partners (17:5) until their p95 over all
    requests passes 5x the /healthz p95 (of the same step or of the first), or the pages/s
    stop growing."""
    cores = os.cpu_count() or 1
    print(
        f"\ncapacity: coordinators and partners (17:5), {seconds} s per step\n"
        f"{'users':>5} {'pages/s':>8} {'p50':>6} {'p95':>6} {'healthz p95':>11} {'ratio':>6}"
    )
    within = None
    previous_rate = 0.0
    baseline = 0.0
    for scale in range(1, 11):
        staff = round(17 * scale) + round(5 * scale)
        samples, _logins, measured, _since = run_locust(
            host, staff + 1, seconds, False, tokens, keys, work / f"capacity{scale}", scale
        )
        pages = [sample.milliseconds for sample in samples if sample.role != "monitor"]
        rate = len(pages) / measured
        health = percentile([s.milliseconds for s in samples if s.role == "monitor"], 0.95) or 1.0
        p95 = percentile(pages, 0.95)
        ratio = p95 / health
        print(
            f"{staff:5d} {rate:8.1f} {percentile(pages, 0.5):6.0f} {p95:6.0f} {health:11.0f} "
            f"{ratio:6.1f}"
        )
        # Saturation slows /healthz too, so the ratio alone can look fine on a swamped server:
        # a step is also over when its p95 passes 5x the first (unsaturated) step's healthz p95.
        baseline = baseline or health
        if ratio > 5 or p95 > 5 * baseline or rate < previous_rate * 1.05:
            break
        within, previous_rate = (staff, rate), rate
    if within is None:
        print("even the first step is over 5x /healthz: no capacity within the target")
    else:
        staff, rate = within
        print(
            f"within the target up to {staff} users: {rate:.1f} pages/s on {cores} cores = "
            f"{rate / cores:.1f} pages/s per core (locust and PostgreSQL on the same cores)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--seconds",
        type=int,
        default=120,
        help="Seconds measured with the project leaders, and as many without (a capacity step: "
        "its length).",
    )
    parser.add_argument(
        "--phase",
        type=int,
        default=30,
        help="Length of a phase: with, without, without, with, ... the leaders (default 30 s).",
    )
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="Each user keeps one connection open, as a browser talking to gunicorn directly "
        "(default: a connection per request, as the TLS proxy in front forwards them).",
    )
    parser.add_argument(
        "--capacity",
        action="store_true",
        help="Instead: coordinators and partners only, 1x, 2x, 3x ... the users of the mix, "
        "until their p95 passes 5x /healthz's; prints the pages/s per core at the last step "
        "within it.",
    )
    parser.add_argument(
        "--recount-at",
        type=float,
        default=None,
        help="Seconds into the measurement at which celery beat sends its recount of the reach "
        "figures (default: 5 s into the fourth phase, the second with the leaders; the first "
        "phase when there are fewer).",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_pages import ensure_database

    ensure_database()
    work = Path(tempfile.mkdtemp(prefix="familieschool-load-"))
    if not os.environ.get("CELERY_BROKER_URL"):
        raise SystemExit("CELERY_BROKER_URL is not set: run this through `make load`")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "familieschool.settings",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(work / "static"),
        # Tasks go to the worker below through Redis (scripts/test-services.sh), never in-process.
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # The worker also gets the walk-ins' notification tasks: no mail leaves the machine.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    started = time.perf_counter()
    manage("migrate", "--no-input", env=env)
    print(manage("loaddata_large", "--reuse", "--prewarm", env=env).strip())
    # The kept reach figures as a running beat keeps them (counted within the last 5 minutes),
    # so that the recount during the measurement is the one of every 5 minutes in production:
    # what was registered since (this run's walk-ins), not the runs before or the older years'
    # daily recount.
    counting = time.perf_counter()
    counted = manage("recount_reach", env=env).strip()
    print(f"{counted} ({time.perf_counter() - counting:.0f} s)")
    manage("collectstatic", "--no-input", env=env)
    tokens = (
        manage(
            "shell",
            "-c",
            "import json; from familieschool.models import User; "
            "print(json.dumps({u.username: u.calendar_token or u.renew_calendar_token() "
            "for u in User.objects.filter(role='partner')}))",
            env=env,
        )
        .strip()
        .splitlines()[-1]
    )
    json.loads(tokens)
    # An authenticator app for each project leader (the second step is required of them).
    keys = (
        manage(
            "shell",
            "-c",
            "import json, secrets; from django_otp.plugins.otp_totp.models import TOTPDevice; "
            "from familieschool.models import User; keys = {}\n"
            "for u in User.objects.filter(role='project_leader'):\n"
            "    key = secrets.token_hex(20)\n"
            "    TOTPDevice.objects.update_or_create(user=u, name='load test', "
            "defaults={'key': key, 'confirmed': True, 'last_t': -1})\n"
            "    keys[u.username] = key\n"
            "print(json.dumps(keys))",
            env=env,
        )
        .strip()
        .splitlines()[-1]
    )
    json.loads(keys)
    zone = (
        manage(
            "shell", "-c", "from django.conf import settings; print(settings.TIME_ZONE)", env=env
        )
        .strip()
        .splitlines()[-1]
    )
    print(f"data set, reach figures, static files, tokens: {time.perf_counter() - started:.0f} s")

    # Beat's rows as if beat had run until now: nothing is caught up when it starts.
    with database(env["DATABASE_URL"]) as connection:
        beat_runs_since_now(connection)

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    access_log = work / "gunicorn-access.log"
    server_env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(access_log),
    }

    def start(command: list[str], environment: dict, log: str) -> subprocess.Popen:
        """A process of the run, its output in ``log`` of the run's directory."""
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=open(work / log, "w"),  # noqa: SIM115
        )

    server = start(
        [
            str(BIN / "gunicorn"),
            "familieschool.wsgi:application",
            "-c",
            "gunicorn.conf.py",
            # Which worker process served each request, and its time in ms (workers_share).
            "--access-logformat",
            "%(p)s %(M)s",
        ],
        server_env,
        "gunicorn.log",
    )
    # The downloads are built by a Celery worker on the same Redis, as in production: with
    # eager Celery the workbook would be built in the web thread again (worker_command).
    worker = start(worker_command(), env, "celery.log")
    # One celery beat with the schedule of the database, as in production: the outbox relay
    # every minute and the recount of the reach figures every 5 minutes (several seconds of
    # PostgreSQL while walk-ins are saved; after it the next download of each kind is built
    # again).
    beat = start(beat_command(), env, "celery-beat.log")
    try:
        wait_for(f"{host}/healthz")
        wait_for_worker(work / "celery.log")
        wait_for_log(work / "celery-beat.log", "beat: Starting...", "celery beat")
        workers = server_env.get("GUNICORN_WORKERS", f"{os.cpu_count() + 1} (cores + 1)")
        threads = server_env.get("GUNICORN_THREADS", "4")
        load = os.getloadavg()
        print(
            f"gunicorn on {host}: {workers} workers x {threads} threads; {os.cpu_count()} cores;"
            f" load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f};"
            f" {time.strftime('%Y-%m-%d %H:%M %Z')}"
        )
        print("times in ms; think time 1-3 s per user")
        print(
            "connections: one per user, kept open (--keep-alive)"
            if args.keep_alive
            else "connections: one per request, as the TLS proxy in front forwards them"
        )
        if args.capacity:
            capacity(host, args.seconds, tokens, keys, work)
            return 0
        phases = 2 * round(args.seconds / args.phase)
        recount_at = args.recount_at
        if recount_at is None:
            recount_at = (3 if phases >= 4 else 0) * args.phase + SETTLE

        interval = {"seconds": 0.0}

        def place_recount(since: float) -> None:
            # Beat sends the recount every 5 minutes, and the measurement lasts 4: where its
            # first run falls is chosen, not left to when the run before stopped.
            with database(env["DATABASE_URL"]) as connection:
                interval["seconds"] = recount_due_at(connection, since + recount_at)

        samples, logins, measured, since = run_locust(
            host,
            25,
            args.seconds,
            True,
            tokens,
            keys,
            work / "run",
            phase=args.phase,
            keep_alive=args.keep_alive,
            on_measuring=place_recount,
        )
        print(
            f"\n25 users (17 coordinators, 5 partners, 2 project leaders, 1 monitor), measured "
            f"{measured:.0f} s in {phases} phases of {args.phase} s: with, without, without, with "
            f"the project leaders' reports ... (the first {SETTLE} s of each phase left out)"
        )
        by_role = {}
        for condition, title in (
            ("with", "with the project leaders"),
            ("without", "without them (the leaders logged in, idle)"),
        ):
            chosen = [sample for sample in samples if sample.phase == condition]
            kept = (args.phase - SETTLE) * phases / 2
            by_role[condition] = report(title, chosen, kept)
        flows = [sample for sample in samples if sample.role == "flow"]
        for fmt in ("csv", "xlsx"):
            mine = [s for s in flows if s.page.endswith(f"{fmt}, ready")]
            ready = [s.milliseconds for s in mine if not s.failed]
            late = sum(s.failed for s in mine)
            if ready or late:
                print(
                    f"reach download {fmt}, ask to file: {len(ready)} ready ({late} not), "
                    f"p50 {percentile(ready, 0.5) / 1000:.1f} s, "
                    f"p95 {percentile(ready, 0.95) / 1000:.1f} s"
                )
        print("coordinators' p95 per phase (ms):")
        per_phase = []
        for number in range(phases):
            start = number * args.phase
            condition = ("with", "without", "without", "with")[number % 4]
            values = [
                sample.milliseconds
                for sample in samples
                if sample.role == "coordinator" and start <= sample.moment < start + args.phase
            ]
            per_phase.append(f"{condition} {percentile(values, 0.95):.0f}")
        print("  " + ", ".join(per_phase))
        runs = task_runs((work / "celery.log").read_text(), RECOUNT, zone)
        sent = (work / "celery-beat.log").read_text().count(f"({RECOUNT})")
        print(
            f"\nrecounts of the reach figures (celery beat, every {interval['seconds']:.0f} s; "
            f"the first due "
            f"{recount_at:.0f} s into the measurement, "
            f"{phase_name(recount_at, args.phase, phases)}; sent by beat {sent}x, in the "
            f"worker's log {len(runs)}x):"
        )
        for line in recount_report(runs, since, args.phase, phases, samples) or [
            "  none ran: see the worker's and beat's logs"
        ]:
            print(line)
        print("\nwhat the project leaders' reports do to the others (all requests of a role):")
        for role in ("coordinator", "partner"):
            a = percentile(by_role["with"].get(role, []), 0.95)
            b = percentile(by_role["without"].get(role, []), 0.95)
            change = (a - b) / b * 100 if b else 0.0
            verdict = "ok" if abs(change) < 20 else "over 20%"
            if not a or not b:
                verdict = "not measured: no requests in one of the conditions (see the locust log)"
            target = f"  target < 20%: {verdict}" if role == "coordinator" else ""
            print(
                f"  {role}s' p95: {a:.0f} ms with the project leaders, {b:.0f} ms without: "
                f"{change:+.0f}%{target}"
            )
        print(
            f"(not in the figures above: {len(logins)} login requests, all at the start; "
            f"p50 {percentile(logins, 0.5):.0f} ms, p95 {percentile(logins, 0.95):.0f} ms: "
            "Argon2 is slow on purpose)"
        )
        print(workers_share(access_log))
        load = os.getloadavg()
        print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print(
            f"locust's logs and CSV files; gunicorn's, the Celery worker's and beat's logs: {work}"
        )
    finally:
        # nice execs celery, so these PIDs are the worker's main process (it stops its child)
        # and beat's.
        for process in (server, worker, beat):
            process.send_signal(signal.SIGTERM)
        for process in (server, worker, beat):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
