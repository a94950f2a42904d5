"""Writes of the reporting app: freezing a school year's figures, recounting the kept ones."""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from familieschool.access import may_freeze_figures
from familieschool.schoolyear import SchoolYear

from .models import ReachCount, ReachSnapshot, ReachSnapshotFigure, ReachSnapshotSchool
from .reach import Period, base_keys, live_figures
from .reach.kept import reach_count_refresh

__all__ = ["reach_count_refresh", "reach_counts_recount", "reach_snapshot_create"]

# A kept count of an older school year (not this one or the last) is recounted once a day.
OLDER_YEARS_EVERY = timedelta(days=1)

logger = logging.getLogger(__name__)


@transaction.atomic
def reach_snapshot_create(*, school_year: SchoolYear, user=None) -> ReachSnapshot:
    """Freeze the counted figures of every school for a school year that has ended.

    ``user`` must see every school (``may_freeze_figures``); the snapshot records who froze it
    and, one row per school, which schools it holds. ``user=None`` is the command line.
    """
    if user is not None and not may_freeze_figures(user):
        raise PermissionDenied
    if school_year.end >= timezone.localdate():
        raise ValidationError(
            {"school_year": _("A school year can only be frozen after it has ended.")}
        )
    if ReachSnapshot.objects.filter(school_year=school_year.label).exists():
        raise ValidationError(
            {
                "school_year": _("The figures of %(year)s are already frozen.")
                % {"year": school_year.label}
            }
        )
    snapshot = ReachSnapshot(school_year=school_year.label, frozen_by=user)
    snapshot.full_clean()
    snapshot.save()

    figures = live_figures(school_year)
    schools = ReachSnapshotSchool.objects.bulk_create(
        [
            ReachSnapshotSchool(
                snapshot=snapshot,
                school_id=info.id,
                school_name=info.name,
                board_name=info.board,
                pupils=info.pupils,
                families=info.families,
            )
            for info in figures.schools
        ]
    )
    keys = list(base_keys(figures))
    ReachSnapshotFigure.objects.bulk_create(
        [
            ReachSnapshotFigure(
                snapshot_school=school,
                indicator=code,
                category=category,
                value=figures.values.get((school.school_id, code, category), 0),
            )
            for school in schools
            for code, category in keys
        ],
        batch_size=2000,
    )
    logger.info(
        "reach figures of %s frozen: %d schools, %d figures",
        school_year.label,
        len(schools),
        len(schools) * len(keys),
    )
    return snapshot


def reach_counts_recount() -> dict[str, int]:
    """Recount the kept figures of this and last school year, and of older years kept more than
    a day ago; a frozen year is read from its snapshot and not recounted."""
    current = SchoolYear.current()
    frozen = set(ReachSnapshot.objects.values_list("school_year", flat=True))
    due = {current, current.previous()}
    stale = ReachCount.objects.filter(counted_at__lt=timezone.now() - OLDER_YEARS_EVERY)
    for first_day, last_day in stale.values_list("first_day", "last_day"):
        year = SchoolYear.of(first_day)
        if (year.start, year.end) == (first_day, last_day):
            due.add(year)
    recounted = 0
    for year in sorted(due):
        if year.label not in frozen:
            reach_count_refresh(period=Period.of(year))
            recounted += 1
    logger.info("reach figures recounted: %d school years", recounted)
    return {"recounted": recounted}
