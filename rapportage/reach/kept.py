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

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from familieschool.schoolyear import SchoolYear

from .counting import Period, count_values, school_infos, school_queryset
from .definitions import Figures

__all__ = ["kept_figures", "reach_count_refresh"]


def reach_count_refresh(*, period: Period):
    """Count every school's figures of ``period`` and keep them, replacing the older count."""
    from familieschool.models import School

    from ..models import ReachCount, ReachCountSchool

    # A registration committed after this moment may be missed: the count is "as of" its start.
    started = timezone.now()
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
            defaults={"counted_at": started, "categories": categories},
        )
        if not created:
            if count.counted_at >= started:
                return count  # a recount that started later has already been kept
            count.counted_at = started
            count.categories = categories
            count.save(update_fields=["counted_at", "categories"])
            count.schools.all().delete()
        ReachCountSchool.objects.bulk_create(
            ReachCountSchool(count=count, school_id=school_id, values=school_values)
            for school_id, school_values in per_school.items()
        )
    return count


def kept_figures(
    school_year: SchoolYear, schools=None, period: Period | None = None
) -> Figures | None:
    """The kept figures of ``schools`` (all when None) for the school year, or for ``period``
    within it; None when none are kept yet. A school added after the count has no figures yet:
    zeros until the next one."""
    from ..models import ReachCount, ReachCountSchool

    period = period or Period.of(school_year)
    count = ReachCount.objects.filter(first_day=period.first, last_day=period.last).first()
    if count is None:
        return None
    infos = school_infos(school_year, school_queryset(schools))
    kept = ReachCountSchool.objects.filter(
        count=count, school_id__in=[info.id for info in infos]
    ).values_list("school_id", "values")
    values: dict[tuple[int, str, str], int] = defaultdict(int)
    for school_id, school_values in kept:
        for code, per_category in school_values.items():
            for category, value in per_category.items():
                values[(school_id, code, category)] = value
    return Figures(
        school_year=school_year,
        schools=infos,
        categories=count.categories,
        values=dict(values),
        counted_at=count.counted_at,
    )
