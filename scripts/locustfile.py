"""The load-test scenario of `make load` (scripts/load.py starts it; see docs/performance.md).

25 users on the city-sized data set of ``manage.py loaddata_large``: 17 coordinators, 5 partner
staff, 2 project leaders and one monitor that asks ``/healthz``, each waiting 1-3 s between
pages. LOAD_LEADERS=0 leaves the project leaders out (to compare the coordinators' times with
and without the reports running). The ids below follow the generator's layout: school ``s``
has families ``(s-1)*400+1 .. s*400`` and activities ``(s-1)*10+1 .. s*10``.
"""

import atexit
import json
import os
import random
import re
from datetime import date, timedelta
from http.cookiejar import DefaultCookiePolicy

from django_otp.oath import totp
from locust import HttpUser, between, events, task

PASSWORD = "familieschool-groot"
FAMILIES_PER_SCHOOL = 400
ACTIVITIES_PER_SCHOOL = 10
TOKENS = json.loads(os.environ.get("LOAD_CALENDAR_TOKENS", "{}"))
# Project leaders need the second step: the key of the app scripts/load.py set up for each.
TOTP_KEYS = json.loads(os.environ.get("LOAD_TOTP_KEYS", "{}"))
_today = date.today()
_start = _today.year if _today.month >= 8 else _today.year - 1
SCHOOL_YEAR = f"{_start}/{_start + 1}"  # the download needs the year; the dashboard opens on it
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Every response time with the role that asked, written to LOAD_TIMES_FILE at the end, so that
# scripts/load.py can take percentiles over all of a role's requests (locust's own are per page).
TIMES: list[tuple[str, str, float]] = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, context, **kwargs):
    if name != "login" and context.get("role"):
        TIMES.append((context["role"], name, response_time))


@atexit.register
def _write_times():
    target = os.environ.get("LOAD_TIMES_FILE")
    if target:
        with open(target, "w") as handle:
            json.dump(TIMES, handle)


@events.reset_stats.add_listener
def _reset():
    # The figures start once everyone has logged in (--reset-stats), as locust's own do.
    TIMES.clear()


# The portal runs with DEBUG=0, so its cookies are Secure; the test talks plain HTTP to
# 127.0.0.1 and must send them anyway. requests copies cookies into fresh jars with the default
# policy, so the policy is changed for this (test-only) process as a whole.
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


class _Staff(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""
    role = ""

    def context(self):
        return {"role": self.role}

    def on_start(self):
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
        if "/tweede-stap/" in response.headers.get("Location", ""):
            self.second_step()

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


def _numbered(prefix: str, count: int):
    numbers = iter(range(1, count + 1))

    def next_name() -> str:
        return f"{prefix}{next(numbers):02d}"

    return next_name


_coordinators = _numbered("coordinator", 40)
_partners = _numbered("partner", 12)
_leaders = iter(["projectleider", "projectleider-bestuur1", "projectleider-bestuur2"])


class Coordinator(_Staff):
    fixed_count = 17
    role = "coordinator"

    def on_start(self):
        self.username = _coordinators()
        self.school = int(self.username[-2:])
        super().on_start()

    def family(self) -> int:
        return (self.school - 1) * FAMILIES_PER_SCHOOL + random.randint(1, FAMILIES_PER_SCHOOL)

    @task(4)
    def walkin(self):
        self.client.get("/servicepunt/", name="walk-in page")

    @task(2)
    def walkin_save(self):
        self.client.post(
            "/servicepunt/",
            {
                "school": self.school,
                "themes": [random.randint(1, 15)],
                "channel": "inloop",
                "occurred_at": date.today().isoformat() + "T10:00",
                "who": "anonymous",
                "outcome": "answered",
                "csrfmiddlewaretoken": self.csrf(),
            },
            name="walk-in save",
        )

    @task(2)
    def contacts(self):
        self.client.get("/servicepunt/contacten/", name="contact list")

    @task(1)
    def contacts_by_theme(self):
        theme = random.randint(1, 15)
        self.client.get(
            f"/servicepunt/contacten/?theme={theme}&who=known", name="contact list, filtered"
        )

    @task(3)
    def family_page(self):
        self.client.get(f"/servicepunt/gezinnen/{self.family()}/", name="family page")

    @task(1)
    def referrals(self):
        self.client.get("/servicepunt/doorverwijzingen/", name="referral list")

    @task(1)
    def activities(self):
        self.client.get("/activiteiten/", name="activity list")

    @task(1)
    def attendance(self):
        n = random.randrange(ACTIVITIES_PER_SCHOOL)
        activity = (self.school - 1) * ACTIVITIES_PER_SCHOOL + n + 1
        day = date.today() - timedelta(days=7)
        day -= timedelta(days=(day.weekday() - n % 5) % 7)
        self.client.get(f"/activiteiten/{activity}/aanwezig/{day}/", name="attendance page")

    @task(1)
    def school_week(self):
        self.client.get("/partners/op-school/", name="school week")


class Partner(_Staff):
    fixed_count = 5
    role = "partner"

    def on_start(self):
        self.username = _partners()
        super().on_start()

    @task(3)
    def week(self):
        self.client.get("/partners/", name="partner's week")

    @task(2)
    def referrals(self):
        self.client.get("/servicepunt/partner/", name="partner's referral list")

    @task(1)
    def feed(self):
        token = TOKENS.get(self.username)
        if token:
            self.client.get(f"/partners/agenda/{token}.ics", name="calendar feed")


class ProjectLeader(_Staff):
    # LOAD_LEADERS=0: the class is not used at all.
    abstract = os.environ.get("LOAD_LEADERS", "1") == "0"
    fixed_count = 2
    role = "leader"

    def on_start(self):
        self.username = next(_leaders)
        super().on_start()

    @task(3)
    def dashboard(self):
        self.client.get("/rapportage/", name="reach dashboard")

    @task(1)
    def export(self):
        fmt = random.choice(("csv", "xlsx"))
        self.client.get(
            f"/rapportage/download/?formaat={fmt}&schooljaar={SCHOOL_YEAR}",
            name=f"reach export {fmt}",
        )


class Monitor(HttpUser):
    """What a load balancer sees: /healthz, measured in the same run as the pages."""

    fixed_count = 1
    wait_time = between(1, 3)

    def context(self):
        return {"role": "monitor"}

    @task
    def healthz(self):
        self.client.get("/healthz", name="/healthz")
