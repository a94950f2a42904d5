#!/usr/bin/env python
"""The load test: gunicorn on the city-sized data set, driven by locust on loopback.

`make load` runs this inside scripts/test-services.sh with the PostgreSQL cluster of
``.bench/pg`` (built by the first `make bench-pages` or `make load`, reused after). It starts
gunicorn with gunicorn.conf.py (GUNICORN_WORKERS, GUNICORN_THREADS from the environment) on
127.0.0.1 and a niced Celery worker, and runs scripts/locustfile.py once: 25 users, whose
measurement alternates phases of ``--phase`` seconds with and without the two project leaders'
reports (with, without, without, with, ...; ``--seconds`` of each). It prints, for each
condition, p50/p95/p99 per page and the ratio of each page's p95 to the p95 of ``/healthz`` in
the same condition, and the coordinators' p95 with and without the leaders. Targets (2 cores,
25 users): coordinator and partner pages within 5x the healthz p95; the leaders' reports change
the coordinators' p95 by less than 20%.

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

Usage: scripts/load.py [--seconds N] [--phase N] [--keep-alive] | --capacity [--seconds N]
"""

import argparse
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

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


class Sample(NamedTuple):
    """One response time of the locustfile's TIMES."""

    role: str  # coordinator, partner, leader, monitor (/healthz), flow (download asked to file)
    page: str
    milliseconds: float
    phase: str  # with, without (the project leaders), all (a run without phases)
    failed: bool
    moment: float  # seconds into the measurement when the request started


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


def wait_for_worker(log: Path, seconds: float = 180) -> None:
    """Until the Celery worker says it is ready: started niced on a busy machine it takes tens
    of seconds, and a download asked before then waits for it (the first run showed 33 s)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if " ready." in log.read_text():
            return
        time.sleep(0.5)
    raise SystemExit(f"the Celery worker did not start; see {log}")


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
):
    """One locust run; returns its samples (role, page, ms, phase, failed), the logins' times
    and the seconds measured."""
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
    }
    subprocess.run(
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
        check=False,
        stdout=subprocess.DEVNULL,
        # locust's own summary and any error go to a log next to the CSV files.
        stderr=open(f"{out}_locust.log", "w"),  # noqa: SIM115
    )
    with open(f"{out}_times.json") as handle:
        recorded = json.load(handle)
    if not recorded["measured_seconds"]:
        raise SystemExit(f"not every user logged in; see {out}_locust.log")
    samples = [Sample(*values) for values in recorded["times"]]
    return samples, recorded["logins"], recorded["measured_seconds"]


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
        samples, _logins, measured = run_locust(
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
    print(f"data set, static files, tokens: {time.perf_counter() - started:.0f} s")

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    access_log = work / "gunicorn-access.log"
    server_env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(access_log),
    }
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "familieschool.wsgi:application",
            "-c",
            "gunicorn.conf.py",
            # Which worker process served each request, and its time in ms (workers_share).
            "--access-logformat",
            "%(p)s %(M)s",
        ],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "gunicorn.log", "w"),  # noqa: SIM115
    )
    # The downloads are built by a Celery worker on the same Redis, as in production: with
    # eager Celery the workbook would be built in the web thread again. Niced, so that the web
    # requests win the cores; one process, as one worker machine would run. It consumes both
    # queues: the default one (notifications, relay) and "reports" (the downloads, see
    # CELERY_TASK_ROUTES); docker-compose.yml gives each queue a worker of its own.
    worker = subprocess.Popen(
        [
            "nice",
            "-n",
            "10",
            str(BIN / "celery"),
            "-A",
            "familieschool",
            "worker",
            "--queues",
            "celery,reports",
            "--concurrency",
            "1",
            "--pool",
            "prefork",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "celery.log", "w"),  # noqa: SIM115
    )
    try:
        wait_for(f"{host}/healthz")
        wait_for_worker(work / "celery.log")
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
        samples, logins, measured = run_locust(
            host,
            25,
            args.seconds,
            True,
            tokens,
            keys,
            work / "run",
            phase=args.phase,
            keep_alive=args.keep_alive,
        )
        phases = 2 * round(args.seconds / args.phase)
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
        print(f"locust's logs and CSV files, gunicorn's and the Celery worker's logs: {work}")
    finally:
        # nice execs celery, so this PID is the worker's main process (it stops its child).
        for process in (server, worker):
            process.send_signal(signal.SIGTERM)
        for process in (server, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
