"""Kept counts: a period's counted figures of every school, stored so that the dashboard and the
downloads read a few rows instead of recounting the city's history in a web request.

``reach_count_refresh`` counts every school with ``counting.count_values`` (the same code the
live report uses, so a kept figure is the live figure at ``counted_at``) and replaces the kept
rows in one transaction. ``kept_figures`` reads the schools asked for: 2 queries plus the
schools' names and pupil counts, which are read live. The Celery task in ``rapportage.tasks``
recounts the current and the previous school year every few minutes (see
``settings.REACH_RECOUNT_MINUTES`` and docs/performance.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from familieschool.schoolyear import SchoolYear

from .counting import Period, count_values, school_infos, school_queryset
from .definitions import Figures
from .rows import Remembered

__all__ = ["kept_figures", "nobody_recounts", "overdue", "reach_count_refresh", "writes_so_far"]

# Tables written without changing any figure (logins, sessions, the audit log, mail, the beat's
# own bookkeeping, the kept counts themselves). Leaving one out of this list costs needless
# recounts, never a stale figure: every other table of the database counts as a registration.
NOT_FIGURES = (
    "familieschool_auditlog",
    "familieschool_outboxmessage",
    "familieschool_sentlog",
    "familieschool_user",
    "servicepunt_partnerupdatesseen",
)
NOT_FIGURES_PREFIXES = (
    "django_",
    "axes_",
    "otp_",
    "auth_",
    "familieschool_user_",
    "rapportage_reachcount",
    "rapportage_reachsnapshot",
    "rapportage_reachexport",
)

_WRITES = """
SELECT coalesce(sum(s.n_tup_ins + s.n_tup_upd + s.n_tup_del
                    + x.n_tup_ins + x.n_tup_upd + x.n_tup_del), 0)
FROM pg_stat_user_tables s JOIN pg_stat_xact_user_tables x USING (relid)
WHERE s.schemaname = current_schema()
  AND NOT s.relname = ANY(%(tables)s)
  AND NOT s.relname LIKE ANY(%(prefixes)s)
"""


def writes_so_far() -> int | None:
    """How many rows were ever inserted, updated or deleted in the tables the figures come from,
    by PostgreSQL's statistics (one cheap query); None on another database.

    The count only grows, so an unchanged number means nothing was registered. Other sessions'
    writes reach the statistics within seconds of their commit (PostgreSQL 15 flushes them when a
    session goes idle, at most a minute late); this session's own are added from
    ``pg_stat_xact_user_tables``. A statistics reset makes the number drop: a recount, as it
    should be.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            _WRITES,
            {
                "tables": list(NOT_FIGURES),
                "prefixes": [prefix.replace("_", r"\_") + "%" for prefix in NOT_FIGURES_PREFIXES],
            },
        )
        return int(cursor.fetchone()[0])


def nobody_recounts() -> bool:
    """Whether no beat runs the recount: without a broker (``CELERY_BROKER_URL`` empty, as in
    ``make run``) tasks run in-process and nothing runs on a schedule."""
    return not settings.CELERY_BROKER_URL


def overdue(counted_at: datetime) -> bool:
    """Whether a kept count is older than the page promises (``REACH_RECOUNT_MINUTES``) while
    nobody recounts it (``nobody_recounts``): then its reader recounts it, as the beat would have
    (``reach_report``). With a broker the beat keeps the promise and a reader never counts."""
    if not nobody_recounts():
        return False
    return counted_at < timezone.now() - timedelta(minutes=settings.REACH_RECOUNT_MINUTES)


def reach_count_refresh(*, period: Period, only_if_changed: bool = False):
    """Count every school's figures of ``period`` and keep them, replacing the older count.

    With ``only_if_changed`` a kept count is not recounted when nothing was written since it was
    counted (see ``writes_so_far``): its ``counted_at`` moves on, since a recount would give the
    same figures."""
    from familieschool.models import School

    from ..models import ReachCount, ReachCountSchool

    # A registration committed after this moment may be missed: the count is "as of" its start.
    # The number of writes is read before counting, so that a registration it does not include
    # makes the next check recount.
    started = timezone.now()
    writes = writes_so_far()
    if only_if_changed and writes is not None:
        unchanged = ReachCount.objects.filter(
            first_day=period.first, last_day=period.last, writes=writes, counted_at__lt=started
        ).update(counted_at=started)
        if unchanged:
            count = ReachCount.objects.get(first_day=period.first, last_day=period.last)
            count.recounted = False
            return count
    ids = list(School.objects.values_list("pk", flat=True))
    categories, values = count_values(period, ids)
    per_school: dict[int, dict[str, dict[str, int]]] = {school_id: {} for school_id in ids}
    for (school_id, code, category), value in values.items():
        if value:
            per_school[school_id].setdefault(code, {})[category] = value
    with transaction.atomic():
        count, created = ReachCount.objects.select_for_update().get_or_create(
            first_day=period.first,
            last_day=period.last,
            defaults={"counted_at": started, "categories": categories, "writes": writes},
        )
        if not created:
            if count.counted_at >= started:
                count.recounted = False
                return count  # a recount that started later has already been kept
            count.counted_at = started
            count.categories = categories
            count.writes = writes
            count.save(update_fields=["counted_at", "categories", "writes"])
            count.schools.all().delete()
        ReachCountSchool.objects.bulk_create(
            ReachCountSchool(count=count, school_id=school_id, values=school_values)
            for school_id, school_values in per_school.items()
        )
    count.recounted = True
    return count


# The values of a kept count per school, remembered in this process under the count and the
# moment it was counted (see ``_kept_values``); as many as the built rows.
KEPT_VALUES = Remembered(settings.REACH_ROWS_CACHED)


def _kept_values(count) -> dict[int, dict[tuple[int, str, str], int]]:
    """The values of every school of ``count`` as ``{school: {(school, code, category):
    value}}``, read and unpacked once per process and count: the whole city's were 12 ms of
    every dashboard view, twice (this year and last). Aggregates only, never a person; a recount
    stamps the count anew (``counted_at``), so a remembered value is never older than the count
    the reader was given."""
    from ..models import ReachCountSchool

    key = f"{count.pk}:{count.counted_at.isoformat()}"
    found = KEPT_VALUES.get(key)
    if found is None:
        found = {}
        kept = ReachCountSchool.objects.filter(count=count).values_list("school_id", "values")
        for school_id, school_values in kept:
            found[school_id] = {
                (school_id, code, category): value
                for code, per_category in school_values.items()
                for category, value in per_category.items()
            }
        KEPT_VALUES.put(key, found)
    return found


def kept_figures(
    school_year: SchoolYear, schools=None, period: Period | None = None
) -> Figures | None:
    """The kept figures of ``schools`` (all when None) for the school year, or for ``period``
    within it; None when none are kept yet. A school added after the count has no figures yet:
    zeros until the next one."""
    from ..models import ReachCount

    period = period or Period.of(school_year)
    count = ReachCount.objects.filter(first_day=period.first, last_day=period.last).first()
    if count is None:
        return None
    infos = school_infos(school_year, school_queryset(schools))
    per_school = _kept_values(count)
    values: dict[tuple[int, str, str], int] = {}
    for info in infos:
        values.update(per_school.get(info.id, ()))
    return Figures(
        school_year=school_year,
        schools=infos,
        categories=count.categories,
        values=dict(values),
        counted_at=count.counted_at,
    )
