#!/usr/bin/env python
"""Server time of the busy pages on the city-sized data set, one request at a time.

`make bench-pages` runs this inside scripts/test-services.sh with a PostgreSQL cluster kept in
``.bench/pg``: the first run builds the data set (``manage.py loaddata_large``, a few minutes),
later runs reuse it. Each page is requested through Django's test client (the whole Django
stack: middleware, sessions, queries, templates; no network), once to warm up and then
``--runs`` times; the script prints the median, the slowest run and the number of queries.
Targets: every page under 100 ms, the two saves under 150 ms; they are reported, not enforced.
With ``--buffers`` it also prints the shared buffers each page's SELECTs read (EXPLAIN ANALYZE
BUFFERS, summed): a measure of the work a page asks of PostgreSQL that the machine's load does
not change. Time: about 2 minutes with the set built (3 with ``--buffers``).
Usage: scripts/bench_pages.py [--runs N] [--scale F] [--only TEXT] [--buffers]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Each page is printed as it is measured, also when the output goes to a pipe or a file.
sys.stdout.reconfigure(line_buffering=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familieschool.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

PAGE_TARGET_MS = 100
SAVE_TARGET_MS = 150


def ensure_database() -> None:
    """Create the database named in DATABASE_URL when it does not exist yet."""
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def pages() -> list[tuple[str, str, object]]:
    """(name, user, request) for every page measured; a request is a function of a client."""
    from django.db.models import Count
    from django.db.models.functions import Coalesce
    from django.urls import reverse
    from django.utils import timezone

    from activiteiten.models import Attendance, Session
    from familieschool.models import Family, Parent, User
    from partners.models import Spreekuur
    from servicepunt.models import Theme

    today = timezone.localdate()
    coordinator = User.objects.get(username="coordinator01")
    school = coordinator.schools.get()
    family = (
        Family.objects.filter(school=school)
        .annotate(n=Count("contacts"))
        .order_by("-n", "id")
        .first()
    )
    # The family of the school with the most attendance rows (parents' and children's): its
    # timeline's attendance part reads and sorts all of them (docs/performance.md, "The family
    # page's timeline and years of attendance").
    busiest = (
        Attendance.objects.filter(session__activity__school=school)
        .values(family=Coalesce("parent__family_id", "child__family_id"))
        .annotate(n=Count("id"))
        .order_by("-n", "family")
        .values_list("family", flat=True)[0]
    )
    theme = Theme.objects.order_by("sort_order", "id").first()
    # The busiest recent session of the school: the coffee morning with the most names.
    session = (
        Session.objects.filter(activity__school=school, date__lte=today, cancelled=False)
        .annotate(n=Count("attendances"))
        .order_by("-date", "-n")
        .first()
    )
    activity = session.activity
    attendance_url = reverse("activiteiten:attendance", args=[activity.pk, session.date])
    present = list(session.attendances.values_list("parent_id", "child_id"))
    # The attendance page's search as a coordinator types it: three letters of a common name.
    attendance_search_url = reverse(
        "activiteiten:attendance-search", args=[activity.pk, session.date]
    )
    searched = (
        Parent.objects.filter(family__school=school)
        .values("first_name")
        .annotate(n=Count("id"))
        .order_by("-n", "first_name")
        .values_list("first_name", flat=True)[0][:3]
    )
    partner_org = Spreekuur.objects.filter(school=school).values_list("partner", flat=True)[0]
    partner = User.objects.get(organisation_id=partner_org)
    token = partner.calendar_token or partner.renew_calendar_token()
    feed = reverse("partners:calendar-feed", args=[token])
    month_ago = (today - timedelta(days=30)).isoformat()
    # The family page's "show older entries": the second page of the timeline.
    from familieschool.timeline import family_timeline

    older = family_timeline(family).older.token
    contacts = reverse("servicepunt:contact-list")
    # Page 200 as the pager reaches it: after the last contact of page 199 (25 a page).
    from servicepunt.models import Contact

    last_of_199 = (
        Contact.objects.filter(school=school)
        .order_by("-occurred_at", "-id")
        .values_list("pk", flat=True)[199 * 25 - 1]
    )

    def walkin_save(client):
        stamp = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        data = {
            "school": school.pk,
            "themes": [theme.pk],
            "channel": "inloop",
            "occurred_at": stamp,
            "who": "anonymous",
            "outcome": "answered",
        }
        return client.post(reverse("servicepunt:walkin"), data)

    def attendance_save_data():
        return {
            "topic": "",
            "anonymous_count": "2",
            "parent": [str(p) for p, _c in present if p],
            "child": [str(c) for _p, c in present if c],
            "new-TOTAL_FORMS": "0",
            "new-INITIAL_FORMS": "0",
            "new-MIN_NUM_FORMS": "0",
            "new-MAX_NUM_FORMS": "20",
        }

    def attendance_save(client):
        return client.post(attendance_url, attendance_save_data())

    def attendance_search(client):
        return client.post(attendance_search_url, {"q": searched})

    def attendance_search_without_script(client):
        # The same search sent with the form's "Zoeken" button: the page comes back, ticks kept.
        data = {**attendance_save_data(), "q": searched, "search": "1"}
        return client.post(attendance_url, data)

    def get(url, **headers):
        return lambda client: client.get(url, headers=headers)

    def feed_unchanged(client):
        first = client.get(feed)
        etag, modified = first.get("ETag"), first.get("Last-Modified")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return lambda c: c.get(feed, headers=headers)

    return [
        ("walk-in page", "coordinator01", get(reverse("servicepunt:walkin"))),
        ("walk-in save", "coordinator01", walkin_save),
        ("contact list", "coordinator01", get(contacts)),
        ("contact list, theme", "coordinator01", get(f"{contacts}?theme={theme.pk}")),
        (
            "contact list, theme+known+dates",
            "coordinator01",
            get(f"{contacts}?theme={theme.pk}&who=known&date_from={month_ago}"),
        ),
        ("contact list, family", "coordinator01", get(f"{contacts}?family={family.code}")),
        ("contact list, page 1", "coordinator01", get(f"{contacts}?page=1")),
        (
            "contact list, page 200",
            "coordinator01",
            get(f"{contacts}?na={last_of_199}&page=200"),
        ),
        (
            "family page",
            "coordinator01",
            get(reverse("servicepunt:family-detail", args=[family.pk])),
        ),
        (
            "family page, most attendance",
            "coordinator01",
            get(reverse("servicepunt:family-detail", args=[busiest])),
        ),
        (
            "family page, older entries",
            "coordinator01",
            get(reverse("servicepunt:family-timeline", args=[family.pk]) + f"?voor={older}"),
        ),
        ("referral list (open)", "coordinator01", get(reverse("servicepunt:referral-list"))),
        (
            "referral list (all)",
            "coordinator01",
            get(reverse("servicepunt:referral-list") + "?status=all"),
        ),
        ("activity list", "coordinator01", get(reverse("activiteiten:activity-list"))),
        ("attendance page", "coordinator01", get(attendance_url)),
        ("attendance save", "coordinator01", attendance_save),
        ("attendance search", "coordinator01", attendance_search),
        ("attendance search, no script", "coordinator01", attendance_search_without_script),
        ("school week", "coordinator01", get(reverse("partners:school-week"))),
        ("partner's week", partner.username, get(reverse("partners:week"))),
        (
            "partner's referral list",
            partner.username,
            get(reverse("servicepunt:partner-referral-list")),
        ),
        ("calendar feed", None, get(feed)),
        ("calendar feed, unchanged", None, feed_unchanged),
    ]


def measure(request, client, runs: int) -> tuple[float, float, float, float, int, int]:
    """Median and slowest wall time, median CPU time of this process, median time in queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if request.__name__ == "feed_unchanged":
        request = request(client)
    response = request(client)  # warm up
    times, cpu, sql = [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = request(client)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        sql.append(sum(float(query["time"]) for query in queries.captured_queries) * 1000)
    return (
        statistics.median(times),
        max(times),
        statistics.median(cpu),
        statistics.median(sql),
        len(queries),
        response.status_code,
    )


def buffers(request, client) -> int:
    """Shared buffers (8 kB pages, from cache or disk) that one request's SELECTs touch, by
    EXPLAIN (ANALYZE, BUFFERS): what a page reads, independent of the machine's load."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if request.__name__ == "feed_unchanged":
        request = request(client)
    with CaptureQueriesContext(connection) as queries:
        request(client)
    total = 0
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            # A UNION (the family timeline) starts with "(SELECT".
            if not sql.lstrip(" (").upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            top = plan[0]["Plan"]
            total += top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="Size of the set it builds.")
    parser.add_argument("--only", default="", help="Measure only pages whose name contains it.")
    parser.add_argument(
        "--buffers",
        action="store_true",
        help="Also the shared buffers each page's queries read (EXPLAIN ANALYZE BUFFERS).",
    )
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.conf import settings

    # Static file names without the collectstatic manifest (a dictionary look-up in production).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from familieschool.models import User
    from servicepunt.models import Contact

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("loaddata_large", scale=args.scale, reuse=True, prewarm=True)
    print(f"migrate and data set: {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    load = os.getloadavg()
    print(
        f"PostgreSQL {version}; {Contact.objects.count():,} contacts; "
        f"{os.cpu_count()} cores; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}"
    )
    print(
        f"median and slowest of {args.runs} runs after one warm-up, in ms; 'python' is the CPU "
        "time of this process (what load on other processes disturbs least), 'sql' the time "
        "spent waiting for queries\n"
    )
    print(
        f"{'page':34} {'median':>7} {'max':>7} {'python':>7} {'sql':>7} {'queries':>7} "
        f"{'status':>6}  target" + ("   buffers" if args.buffers else "")
    )
    clients: dict = {}
    failed = False
    for name, username, request in pages():
        if args.only and args.only not in name:
            continue
        if username not in clients:
            clients[username] = Client()
            if username:
                clients[username].force_login(User.objects.get(username=username))
        median, slowest, cpu, sql, queries, status = measure(request, clients[username], args.runs)
        target = SAVE_TARGET_MS if "save" in name else PAGE_TARGET_MS
        verdict = "ok" if median < target else f"over {target}"
        failed |= status >= 400
        read = f"   {buffers(request, clients[username]):7d}" if args.buffers else ""
        print(
            f"{name:34} {median:7.1f} {slowest:7.1f} {cpu:7.1f} {sql:7.1f} {queries:7d} "
            f"{status:6d}  {verdict:8}{read}"
        )
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
