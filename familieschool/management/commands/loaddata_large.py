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

    def handle(self, *args, scale, reuse, **options):
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
