"""Demo data of the reporting app: last school year's figures are frozen, as a project leader
does after the summer, so the dashboard shows both a frozen and a live year."""

from familieschool.demo import DemoContext

from .models import ReachSnapshot
from .services import reach_snapshot_create


def seed(ctx: DemoContext) -> None:
    if ReachSnapshot.objects.exists():
        return
    from familieschool.constants import Role

    reach_snapshot_create(
        school_year=ctx.school_year.previous(), user=ctx.users.get(Role.PROJECT_LEADER)
    )
