import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from familieschool import largedata
from familieschool.models import School


class Command(BaseCommand):
    help = (
        "Build the city-sized data set (40 schools, 5 school years, about 860,000 contacts) "
        "in an empty PostgreSQL database, for benchmarks and the load test."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Fraction of the city: fewer schools, the same history per school (default 1).",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Do nothing when the database already holds schools.",
        )
        parser.add_argument(
            "--prewarm",
            action="store_true",
            help="Then read every table and index into PostgreSQL's shared buffers (pg_prewarm), "
            "as a server that has run a while holds them: the benchmarks measure the portal, not "
            "the disk.",
        )

    def handle(self, *args, scale, reuse, prewarm, **options):
        self.build(scale, reuse)
        if prewarm:
            self.prewarm()

    def build(self, scale, reuse):
        if connection.vendor != "postgresql":
            raise CommandError("loaddata_large needs PostgreSQL (it loads with COPY).")
        if not 0 < scale <= 1:
            raise CommandError("--scale is a fraction between 0 and 1.")
        if School.objects.exists():
            if reuse:
                self.stdout.write("The database already holds schools; reusing them.")
                return
            raise CommandError("The database already holds schools; use an empty database.")
        started = time.perf_counter()
        with transaction.atomic():
            counts = largedata.generate(
                round(largedata.CONTACTS * scale),
                round(largedata.ATTENDANCE * scale),
                schools=max(2, round(largedata.SCHOOLS * scale)),
            )
        # VACUUM as well as ANALYZE: a database that has run a while has its visibility map set
        # by autovacuum, a freshly loaded one has none, and then every index-only scan (the
        # contact list's capped counts) reads the table's pages too until autovacuum comes by:
        # the first minutes of figures would measure the load, not the portal. VACUUM cannot
        # run in a transaction (a test's): there ANALYZE alone.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        for name, value in counts.items():
            self.stdout.write(f"  {name:15} {value:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Built in {time.perf_counter() - started:.0f} s. Users: coordinator01.., "
                f"partner01.., projectleider, projectleider-bestuur1.., beheerder; "
                f"password {largedata.PASSWORD}"
            )
        )

    def prewarm(self):
        """Read the portal's tables and indexes into shared buffers.

        With the default 128 MB of shared buffers the set lives in the operating system's page
        cache, and a virtual machine's host may take back pages nobody read for a minute: a
        family nobody opened then costs a few hundred disk reads, and a throttled disk turns
        those into stalls of a second (measured: 0.2 ms a read, up to 190 ms under sustained
        reads). `make bench`, `bench-pages` and `load` give the server enough shared buffers
        (BENCH_SHARED_BUFFERS) and call this before measuring.
        """
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                "SELECT coalesce(sum(pg_prewarm(c.oid)), 0), "
                "pg_size_bytes(current_setting('shared_buffers')) "
                "FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
                "AND c.relkind IN ('r', 'i', 'm')"
            )
            blocks, shared = cursor.fetchone()
        size = blocks * 8192
        self.stdout.write(
            f"Prewarmed {size / 2**20:,.0f} MB into {shared / 2**20:,.0f} MB of shared buffers "
            f"in {time.perf_counter() - started:.1f} s."
        )
        if size > shared:
            self.stdout.write(
                self.style.WARNING(
                    "The data set is larger than shared_buffers: part of it stays on disk "
                    "(raise BENCH_SHARED_BUFFERS)."
                )
            )
