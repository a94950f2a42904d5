"""The load-test scenario of `make load` (scripts/load.py starts it; see docs/performance.md).

25 users on the city-sized data set of ``manage.py loaddata_large``: 17 coordinators, 5 partner
staff, 2 project leaders, each waiting 1-3 s between pages, and one monitor that asks
``/healthz`` every 0.5-1 s. LOAD_LEADERS=0 leaves the project leaders out (to compare the
coordinators' times with and without the reports running). The ids below follow the
generator's layout: school ``s`` has families ``(s-1)*400+1 .. s*400`` and activities
``(s-1)*10+1 .. s*10``.

The figures hold the steady state: everyone logs in at once (Argon2, deliberately slow: about
0.1 s of CPU each, 25 of them on 2 cores), so the measurement starts LOAD_WARMUP_SECONDS after
the last login and lasts LOAD_SECONDS; the logins' own times are kept apart (role "login").
Before, locust's ``--reset-stats`` started the figures while the logins were still running, and
every stall of 1-3 s in those figures fell in their first 5 seconds.

With and without the project leaders, in one run: the measurement is cut in phases of
LOAD_PHASE_SECONDS in the order with, without, without, with (again and again; LOAD_SECONDS of
each). In a "without" phase the project leaders stay logged in but start nothing. Every
response time is written with the phase its request started in; requests that started in the
first LOAD_SETTLE_SECONDS of a phase are left out (a download asked at the end of a "with"
phase is still being built then). Before, the two conditions were two runs minutes apart, and
the coordinators' p95 without the leaders moved 71-100 ms from run to run, more than the
leaders' effect that was to be measured.
"""

import atexit
import itertools
import json
import os
import random
import re
import time
from datetime import date, datetime, timedelta
from http.cookiejar import DefaultCookiePolicy
from zoneinfo import ZoneInfo

import gevent
from django_otp.oath import totp
from locust import HttpUser, between, events, task

PASSWORD = "familieschool-groot"
# How the users reach gunicorn. By default each request on a connection of its own, as the TLS
# proxy in front of the portal forwards them (nginx's default towards its upstream: HTTP/1.0,
# "Connection: close"), so gunicorn's workers take requests as they come free. LOAD_KEEP_ALIVE=1
# keeps one connection per user, as a browser talking to gunicorn directly: gunicorn's gthread
# worker keeps a connection in the process that accepted it, and in a 60 s run one of three
# workers served 1415 requests (and every /healthz) while the others served 152 and 330.
KEEP_ALIVE = os.environ.get("LOAD_KEEP_ALIVE") == "1"
FAMILIES_PER_SCHOOL = 400
ACTIVITIES_PER_SCHOOL = 10
TOKENS = json.loads(os.environ.get("LOAD_CALENDAR_TOKENS", "{}"))
# Project leaders need the second step: the key of the app scripts/load.py set up for each.
TOTP_KEYS = json.loads(os.environ.get("LOAD_TOTP_KEYS", "{}"))
_today = date.today()
_start = _today.year if _today.month >= 8 else _today.year - 1
SCHOOL_YEAR = f"{_start}/{_start + 1}"  # the download needs the year; the dashboard opens on it
PORTAL_TIME_ZONE = ZoneInfo("Europe/Amsterdam")  # settings.TIME_ZONE
# What a coordinator types in the attendance page's search (any two or three letters).
NAME_STARTS = ["an", "el", "ma", "ja", "sa", "mo", "ah", "ke", "ri", "fa", "yu", "de", "bou"]
SECOND_STEP = "/tweede-stap/"
LOGIN = "/inloggen/"
# A download not ready after this long counts as failed ("reach export <fmt>, ready").
EXPORT_WAIT_SECONDS = 120
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Every response time with the role that asked, its phase, whether it failed and when it started
# (seconds into the measurement), written to LOAD_TIMES_FILE at the end: scripts/load.py takes
# its percentiles per page, role and phase.
TIMES: list[tuple[str, str, float, str, bool, float]] = []
LOGINS: list[float] = []
# Staff users (not the monitor) that finished logging in; the measurement starts after the last.
STAFF = int(os.environ.get("LOAD_STAFF", "0"))
WARMUP = float(os.environ.get("LOAD_WARMUP_SECONDS", "5"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "90"))
# `make load LOAD_ARGS=--capacity`: the same mix of coordinators and partners, SCALE times.
SCALE = float(os.environ.get("LOAD_SCALE", "1"))
LEADERS = os.environ.get("LOAD_LEADERS", "1") != "0"
# 0: one condition for the whole measurement (no phases; the capacity steps).
PHASE = float(os.environ.get("LOAD_PHASE_SECONDS", "0")) if LEADERS else 0.0
SETTLE = float(os.environ.get("LOAD_SETTLE_SECONDS", "5"))
# with, without, without, with: a drift during the run weighs on both conditions alike.
PATTERN = ("with", "without", "without", "with")
_state = {"logged_in": 0, "measuring_since": None}


def phase_at(moment: float) -> tuple[str, float]:
    """The phase at ``moment`` (time.time()) and the seconds since that phase started; before
    the measurement "warm-up", after it "after"."""
    since = _state["measuring_since"]
    if since is None or moment < since:
        return "warm-up", 0.0
    elapsed = moment - since
    if not PHASE:
        return ("all", elapsed) if elapsed < SECONDS else ("after", 0.0)
    number = int(elapsed // PHASE)
    if number >= 2 * round(SECONDS / PHASE):
        return "after", 0.0
    return PATTERN[number % len(PATTERN)], elapsed - number * PHASE


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, context, **kwargs):
    if name == "login":
        LOGINS.append(response_time)
        return
    if not context.get("role"):
        return
    started = time.time() - response_time / 1000
    phase, into = phase_at(started)
    if phase in ("warm-up", "after") or (PHASE and into < SETTLE):
        return
    # Flows (asking a download until its file is there) under their own name, role "flow".
    role = "flow" if request_type == "FLOW" else context["role"]
    moment = round(started - _state["measuring_since"], 3)
    TIMES.append((role, name, response_time, phase, exception is not None, moment))


@atexit.register
def _write_times():
    target = os.environ.get("LOAD_TIMES_FILE")
    if target:
        with open(target, "w") as handle:
            json.dump(
                {
                    "times": TIMES,
                    "logins": LOGINS,
                    "measuring_since": _state["measuring_since"],
                    "measured_seconds": (
                        time.time() - _state["measuring_since"] if _state["measuring_since"] else 0
                    ),
                },
                handle,
            )


def _start_measuring(environment):
    """Reset locust's figures and ours, then stop after LOAD_SECONDS of steady state (of each
    condition, when the run has phases)."""
    environment.runner.stats.reset_all()
    TIMES.clear()
    _state["measuring_since"] = time.time()
    # scripts/load.py places beat's recount of the reach figures at a moment of the measurement.
    started_file = os.environ.get("LOAD_STARTED_FILE")
    if started_file:
        with open(f"{started_file}.part", "w") as handle:
            handle.write(repr(_state["measuring_since"]))
        os.replace(f"{started_file}.part", started_file)
    total = 2 * round(SECONDS / PHASE) * PHASE if PHASE else SECONDS
    gevent.spawn_later(total, environment.runner.quit)


def _logged_in(environment):
    _state["logged_in"] += 1
    if _state["logged_in"] == STAFF:
        gevent.spawn_later(WARMUP, _start_measuring, environment)


# The portal runs with DEBUG=0, so its cookies are Secure; the test talks plain HTTP to
# 127.0.0.1 and must send them anyway. requests copies cookies into fresh jars with the default
# policy, so the policy is changed for this (test-only) process as a whole.
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


def _connect(client) -> None:
    """A connection per request unless LOAD_KEEP_ALIVE (see KEEP_ALIVE)."""
    if not KEEP_ALIVE:
        client.headers["Connection"] = "close"


class _Staff(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""
    role = ""

    def context(self):
        return {"role": self.role}

    def on_start(self):
        _connect(self.client)
        page = self.client.get("/inloggen/", name="login")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/inloggen/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in")
        # The portal asks for the second step on the first page after the password (its
        # middleware redirects there), not in the login's own redirect: follow it and look.
        landing = self.client.get(response.headers["Location"], name="login")
        if SECOND_STEP in landing.url:
            self.second_step()
            landing = self.client.get("/", name="login")
        if SECOND_STEP in landing.url or LOGIN in landing.url:
            raise RuntimeError(f"{self.username} is not logged in: {landing.url}")
        _logged_in(self.environment)

    def second_step(self):
        key = TOTP_KEYS.get(self.username)
        if not key:
            raise RuntimeError(f"{self.username} needs a second step: no app key given")
        page = self.client.get("/tweede-stap/", name="login")
        token = CSRF.search(page.text).group(1)
        code = f"{totp(bytes.fromhex(key)):06d}"
        response = self.client.post(
            "/tweede-stap/",
            {"token": code, "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username}: the second step failed")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def get(self, url: str, name: str):
        return self.request("GET", url, name)

    def request(self, method: str, url: str, name: str, data=None, *, redirects=True):
        """A page, counted as failed when it ends on the login or second-step page instead:
        before, the project leaders never passed their second step and every "report" in the
        figures was the second-step page (3 KB, 25 ms). With ``redirects=False`` only a
        redirect counts as done (a saved form), and it is not followed."""
        with self.client.request(
            method, url, name=name, data=data, catch_response=True, allow_redirects=redirects
        ) as page:
            if SECOND_STEP in page.url or LOGIN in page.url:
                page.failure(f"ended on {page.url}")
            elif page.status_code >= 400:
                page.failure(f"status {page.status_code}")
            elif not redirects and page.status_code != 302:
                page.failure(f"not saved: status {page.status_code}")
            else:
                page.success()
        return page


def _numbered(prefix: str, count: int):
    """coordinator01, coordinator02, ...; past the last one the names start again (two
    sessions of one user, as with a second tablet), for the capacity runs of LOAD_SCALE > 1."""
    numbers = itertools.count()

    def next_name() -> str:
        return f"{prefix}{next(numbers) % count + 1:02d}"

    return next_name


_coordinators = _numbered("coordinator", 40)
_partners = _numbered("partner", 12)
_leaders = iter(["projectleider", "projectleider-bestuur1", "projectleider-bestuur2"])


class Coordinator(_Staff):
    fixed_count = round(17 * SCALE)
    role = "coordinator"

    def on_start(self):
        self.username = _coordinators()
        self.school = int(self.username[-2:])
        super().on_start()

    def family(self) -> int:
        return (self.school - 1) * FAMILIES_PER_SCHOOL + random.randint(1, FAMILIES_PER_SCHOOL)

    @task(4)
    def walkin(self):
        self.get("/servicepunt/", name="walk-in page")

    @task(2)
    def walkin_save(self):
        # The save alone: before, "walk-in save" also held the walk-in page that the redirect
        # leads to (the POST is about 10 ms of it); that page now counts as the page it is.
        saved = self.request(
            "POST",
            "/servicepunt/",
            "walk-in save",
            {
                "school": self.school,
                "themes": [random.randint(1, 15)],
                "channel": "inloop",
                # A minute ago on the portal's clock: a fixed 10:00 lay in the future before
                # 10 a.m., the form refused it, and "walk-in save" timed the error page.
                "occurred_at": (datetime.now(PORTAL_TIME_ZONE) - timedelta(minutes=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "who": "anonymous",
                "outcome": "answered",
                "csrfmiddlewaretoken": self.csrf(),
            },
            redirects=False,
        )
        if saved.status_code == 302:
            self.get(saved.headers["Location"], name="walk-in page")

    @task(2)
    def contacts(self):
        self.get("/servicepunt/contacten/", name="contact list")

    @task(1)
    def contacts_by_theme(self):
        theme = random.randint(1, 15)
        self.get(f"/servicepunt/contacten/?theme={theme}&who=known", name="contact list, filtered")

    @task(3)
    def family_page(self):
        self.get(f"/servicepunt/gezinnen/{self.family()}/", name="family page")

    @task(1)
    def referrals(self):
        self.get("/servicepunt/doorverwijzingen/", name="referral list")

    @task(1)
    def activities(self):
        self.get("/activiteiten/", name="activity list")

    def attendance_url(self) -> str:
        n = random.randrange(ACTIVITIES_PER_SCHOOL)
        activity = (self.school - 1) * ACTIVITIES_PER_SCHOOL + n + 1
        day = date.today() - timedelta(days=7)
        day -= timedelta(days=(day.weekday() - n % 5) % 7)
        return f"/activiteiten/{activity}/aanwezig/{day}/"

    @task(1)
    def attendance(self):
        self.get(self.attendance_url(), name="attendance page")

    @task(1)
    def attendance_search(self):
        # The page shows the regulars; anyone else is typed: two or three letters of a name.
        self.request(
            "POST",
            self.attendance_url() + "zoek/",
            "attendance search",
            {"q": random.choice(NAME_STARTS), "csrfmiddlewaretoken": self.csrf()},
        )

    @task(1)
    def school_week(self):
        self.get("/partners/op-school/", name="school week")


class Partner(_Staff):
    fixed_count = round(5 * SCALE)
    role = "partner"

    def on_start(self):
        self.username = _partners()
        super().on_start()

    @task(3)
    def week(self):
        self.get("/partners/", name="partner's week")

    @task(2)
    def referrals(self):
        self.get("/servicepunt/partner/", name="partner's referral list")

    @task(1)
    def feed(self):
        token = TOKENS.get(self.username)
        if token:
            self.get(f"/partners/agenda/{token}.ics", name="calendar feed")


class ProjectLeader(_Staff):
    # LOAD_LEADERS=0: the class is not used at all.
    abstract = not LEADERS
    fixed_count = 2
    role = "leader"

    def wait_time(self):
        """1-3 s as everyone; a wait that would end in a "without" phase lasts until the next
        "with" phase instead (plus 0-2 s, so that the two leaders do not start together)."""
        wait = random.uniform(1, 3)
        now = time.time()
        phase, into = phase_at(now + wait)
        if phase != "without":
            return wait
        moment = now + wait - into
        while phase_at(moment)[0] == "without":
            moment += PHASE
        return moment - now + random.uniform(0, 2)

    def on_start(self):
        self.username = next(_leaders)
        super().on_start()

    @task(3)
    def dashboard(self):
        self.get("/rapportage/", name="reach dashboard")

    @task(1)
    def export(self):
        """The download as a leader gets it: ask (a redirect to the job's page), open that page,
        ask its status every second as its script does, then take the file. Besides each
        request's own time, the time from asking to having the file is recorded as "reach
        export <fmt>, ready" (request type FLOW: not a request, left out of the role's times)."""
        fmt = random.choice(("csv", "xlsx"))
        started = time.perf_counter()
        asked = self.request(
            "GET",
            f"/rapportage/download/?formaat={fmt}&schooljaar={SCHOOL_YEAR}",
            f"reach export {fmt}",
            redirects=False,
        )
        location = asked.headers.get("Location", "")
        if asked.status_code != 302 or "/rapportage/download/" not in location:
            return
        self.get(location, name="reach export job page")
        deadline = time.monotonic() + EXPORT_WAIT_SECONDS
        status = {}
        while time.monotonic() < deadline:
            gevent.sleep(1)
            polled = self.get(f"{location}status/", name="reach export status")
            status = polled.json() if polled.ok else {}
            if status.get("ready") or status.get("failed"):
                break
        exception = None
        length = 0
        if status.get("ready"):
            file = self.get(status["file_url"], name=f"reach export file {fmt}")
            length = len(file.content)
        else:
            exception = RuntimeError(f"not ready: {status.get('status', 'no status')}")
        self.environment.events.request.fire(
            request_type="FLOW",
            name=f"reach export {fmt}, ready",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=length,
            exception=exception,
            context=self.context(),
        )


class Monitor(HttpUser):
    """What a load balancer sees: /healthz, measured in the same run as the pages."""

    fixed_count = 1
    # Every 0.5-1 s (a load balancer asks every few seconds): about 130 samples in 90 s, so that
    # the p95 every page is compared with does not rest on its 3rd-slowest of 45 answers.
    wait_time = between(0.5, 1)

    def context(self):
        return {"role": "monitor"}

    def on_start(self):
        _connect(self.client)

    @task
    def healthz(self):
        self.client.get("/healthz", name="/healthz")
