"""Demo data of the reporting app: last school year's figures are frozen, as a project leader
does after the summer, so the dashboard shows both a frozen and a live year."""

from django.db import connection

from familieschool.demo import DemoContext

from .models import ReachSnapshot
from .services import reach_snapshot_create


def seed(ctx: DemoContext) -> None:
    if ReachSnapshot.objects.exists():
        return
    from familieschool.constants import Role

    if connection.vendor == "postgresql":
        # The demo rows were just inserted (in this transaction): without statistics the
        # planner took the freshly filled tables for empty and once chose a plan for the
        # children's enrolments that ran for minutes. ANALYZE counts this transaction's rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    reach_snapshot_create(
        school_year=ctx.school_year.previous(), user=ctx.users.get(Role.PROJECT_LEADER)
    )
