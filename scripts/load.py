#!/usr/bin/env python
"""The load test: gunicorn on the city-sized data set, driven by locust on loopback.

`make load` runs this inside scripts/test-services.sh with the PostgreSQL cluster of
``.bench/pg`` (built by the first `make bench-pages` or `make load`, reused after). It starts
gunicorn with gunicorn.conf.py (GUNICORN_WORKERS, GUNICORN_THREADS from the environment) on
127.0.0.1, runs scripts/locustfile.py twice for ``--seconds`` each, with and without the two
project leaders, and prints p50/p95/p99 per page and the ratio of each page's p95 to the p95 of
``/healthz`` in the same run. Targets (2 cores, 25 users): coordinator and partner pages within
5x the healthz p95; the leaders' reports change the coordinators' p95 by less than 20%. That
last one is measured here: every response time is recorded with the role that asked (see the
locustfile), and the script prints the p50/p95/p99 over all coordinators' requests (and the
partners') with and without the leaders, and the change.

The project leaders log in with their second step: the script gives each an authenticator app
(a TOTP key; test data only) and the locustfile types its code.

Time: about 1 minute to start (migrate, static files, gunicorn) once the data set is built, then
two runs of ``--seconds`` (default 90) plus about 20 s each for the logins and the stop: about
5 minutes in all. Each table is printed as soon as its run ends.
Usage: scripts/load.py [--seconds N]
"""

import argparse
import csv
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
):
    env = {
        **os.environ,
        "LOAD_LEADERS": "1" if leaders else "0",
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
            f"{seconds + 120}s",
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
    rows = {}
    with open(f"{out}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] in ("Aggregated", "login"):
                continue
            rows[row["Name"]] = row
    times: dict[str, list[float]] = {}
    with open(f"{out}_times.json") as handle:
        recorded = json.load(handle)
    for role, _name, milliseconds in recorded["times"]:
        times.setdefault(role, []).append(milliseconds)
    times["login"] = recorded["logins"]
    if not recorded["measured_seconds"]:
        raise SystemExit(f"not every user logged in; see {out}_locust.log")
    return rows, times, recorded["measured_seconds"]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95 for p95); 0 without values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def role_line(role: str, times: dict) -> str:
    values = times.get(role, [])
    return (
        f"{role + 's':26} {len(values):8d}        {percentile(values, 0.50):6.0f} "
        f"{percentile(values, 0.95):6.0f} {percentile(values, 0.99):6.0f}"
    )


def p(row, percentile: str) -> float:
    value = row.get(percentile) or "0"
    return float(value) if value != "N/A" else 0.0


def report(title: str, rows: dict, times: dict, seconds: float) -> None:
    health = p(rows.get("/healthz", {}), "95%") or 1.0
    total = sum(int(row["Request Count"]) for name, row in rows.items() if name not in FLOWS)
    print(f"\n{title}: {total} requests in {seconds:.0f} s = {total / seconds:.1f}/s")
    print(
        f"{'page':26} {'requests':>8} {'failed':>6} {'p50':>6} {'p95':>6} {'p99':>6} "
        f"{'p95/healthz':>11}"
    )
    for name in ["/healthz", *COORDINATOR_PAGES, *PARTNER_PAGES, *LEADER_PAGES]:
        row = rows.get(name)
        if row is None:
            continue
        ratio = p(row, "95%") / health
        mark = ""
        if name in COORDINATOR_PAGES + PARTNER_PAGES:
            mark = "ok" if ratio <= 5 else "over 5x"
        print(
            f"{name:26} {int(row['Request Count']):8d} {int(row['Failure Count']):6d} "
            f"{p(row, '50%'):6.0f} {p(row, '95%'):6.0f} {p(row, '99%'):6.0f} {ratio:11.1f} {mark}"
        )
    print("all requests of a role:")
    for role in ("coordinator", "partner", "leader"):
        if times.get(role):
            print(role_line(role, times))
    print(
        f"(not in the figures above: {len(times['login'])} login requests, all at the start; "
        f"p50 {percentile(times['login'], 0.5):.0f} ms, p95 {percentile(times['login'], 0.95):.0f}"
        f" ms: Argon2 is slow on purpose)"
    )


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
        rows, times, measured = run_locust(
            host, staff + 1, seconds, False, tokens, keys, work / f"capacity{scale}", scale
        )
        pages = times.get("coordinator", []) + times.get("partner", [])
        rate = len(pages) / measured
        health = p(rows.get("/healthz", {}), "95%") or 1.0
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
    parser.add_argument("--seconds", type=int, default=90, help="Length of each of the two runs.")
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
    print(manage("loaddata_large", "--reuse", env=env).strip())
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
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": ""}
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "familieschool.wsgi:application", "-c", "gunicorn.conf.py"],
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
        if args.capacity:
            capacity(host, args.seconds, tokens, keys, work)
            return 0
        with_leaders, with_times, with_seconds = run_locust(
            host, 25, args.seconds, True, tokens, keys, work / "with"
        )
        report(
            "25 users: 17 coordinators, 5 partners, 2 project leaders, 1 monitor",
            with_leaders,
            with_times,
            with_seconds,
        )
        without, without_times, without_seconds = run_locust(
            host, 23, args.seconds, False, tokens, keys, work / "without"
        )
        report(
            "23 users: the same without the project leaders",
            without,
            without_times,
            without_seconds,
        )
        print("\nwhat the project leaders' reports do to the others (all requests of a role):")
        for role in ("coordinator", "partner"):
            a = percentile(with_times.get(role, []), 0.95)
            b = percentile(without_times.get(role, []), 0.95)
            change = (a - b) / b * 100 if b else 0.0
            verdict = "ok" if abs(change) < 20 else "over 20%"
            if not a or not b:
                verdict = "not measured: no requests in one of the runs (see the locust logs)"
            target = f"  target < 20%: {verdict}" if role == "coordinator" else ""
            print(
                f"  {role}s' p95: {a:.0f} ms with the project leaders, {b:.0f} ms without: "
                f"{change:+.0f}%{target}"
            )
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
