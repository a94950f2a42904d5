"""Writes of the reporting app: freezing a school year's figures, recounting the kept ones,
preparing reach downloads in the background."""

import logging
import time
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from familieschool.access import may_freeze_figures
from familieschool.models import School, User
from familieschool.outbox import enqueue
from familieschool.schoolyear import SchoolYear

from .constants import (
    EXPORT_KEPT_FOR,
    EXPORT_REUSED_WITHIN,
    PROGRESS_DONE,
    PROGRESS_STARTED,
    WAITING,
    ExportStatus,
)
from .exports import reach_export, reach_export_fingerprint
from .models import (
    ReachCount,
    ReachExportJob,
    ReachSnapshot,
    ReachSnapshotFigure,
    ReachSnapshotSchool,
)
from .reach import Period, base_keys, live_figures
from .reach.kept import reach_count_refresh
from .reach.report import same_period_last_year

__all__ = [
    "reach_export_job_build",
    "reach_export_job_create",
    "reach_export_job_fail_if_stale",
    "reach_export_jobs_fail_stale",
    "reach_export_jobs_remove_expired",
    "reach_count_refresh",
    "reach_counts_recount",
    "reach_counts_remove_stale",
    "reach_snapshot_create",
]

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


# From this local hour on, tomorrow's "same period last year" is counted too, so that the first
# dashboard after midnight finds it kept instead of counting it in the request.
TOMORROW_FROM_HOUR = 23


def _last_year_so_far(now) -> list[Period]:
    """The parts of last school year the dashboard compares this year with: up to the same day
    a year ago (see ``same_period_last_year``), today's and, late in the day, tomorrow's."""
    today = timezone.localdate(now)
    days = [today]
    if timezone.localtime(now).hour >= TOMORROW_FROM_HOUR:
        days.append(today + timedelta(days=1))
    return [
        period
        for day in days
        if (period := same_period_last_year(SchoolYear.of(day), day)) is not None
    ]


def _years_never_counted(current: SchoolYear) -> set[Period]:
    """The school years since the first contact (and the one before it) that have no kept count
    yet, so that opening one counts nothing in the request (each is counted once, then checked
    once a day)."""
    from servicepunt.models import Contact

    first = Contact.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    if first is None:
        return set()
    kept = set(ReachCount.objects.values_list("first_day", "last_day"))
    # From the year before the first: the dashboard compares each year with the one before.
    year, years = SchoolYear.of(timezone.localdate(first)).previous(), set()
    while year < current:
        if (year.start, year.end) not in kept:
            years.add(Period.of(year))
        year = SchoolYear(year.start_year + 1)
    return years


def reach_counts_recount(*, force: bool = False) -> dict[str, int]:
    """Recount the kept figures of this and last school year and of the part of last year the
    dashboard compares with, of older years and of calendar years kept more than a day ago,
    and count once the years since the first contact that were never counted; skip each one when
    nothing was registered since its count. A frozen year is read from its snapshot and not
    recounted; the parts of last year kept for days gone by are removed."""
    now = timezone.now()
    current = SchoolYear.current()
    frozen = set(ReachSnapshot.objects.values_list("school_year", flat=True))
    due = {Period.of(current), Period.of(current.previous())}
    stale = ReachCount.objects.filter(counted_at__lt=now - OLDER_YEARS_EVERY)
    for first_day, last_day in stale.values_list("first_day", "last_day"):
        period = Period(first_day, last_day)
        # Whole school years, and calendar years kept since a dashboard asked for one.
        if period in (Period.of(SchoolYear.of(first_day)), Period.calendar_year(first_day.year)):
            due.add(period)
    due.update(_years_never_counted(current))
    partial = _last_year_so_far(now)
    due.update(partial)
    removed = reach_counts_remove_stale(keep=partial)
    recounted = unchanged = 0
    for period in sorted(due, key=lambda period: (period.first, period.last)):
        # A frozen school year (or its part) is read from its snapshot; a calendar year starting
        # in a frozen school year is not part of it and is still recounted.
        if period.first == period.school_year.start and period.school_year.label in frozen:
            continue
        count = reach_count_refresh(period=period, only_if_changed=not force)
        if count.recounted:
            recounted += 1
        else:
            unchanged += 1
    logger.info(
        "reach figures: %d periods recounted, %d unchanged, %d old parts removed",
        recounted,
        unchanged,
        removed,
    )
    return {"recounted": recounted, "unchanged": unchanged, "removed": removed}


def reach_counts_remove_stale(*, keep: list[Period]) -> int:
    """Remove the kept counts of a school year's first part (last year up to a day gone by, kept
    for the dashboard's comparison) other than ``keep``; whole years and other periods stay."""
    removed = []
    for count in ReachCount.objects.only("pk", "first_day", "last_day"):
        year = SchoolYear.of(count.first_day)
        period = Period(count.first_day, count.last_day)
        if count.first_day == year.start and count.last_day < year.end and period not in keep:
            removed.append(count.pk)
    if removed:
        ReachCount.objects.filter(pk__in=removed).delete()
    return len(removed)


# What a failed download's page says, by cause; in Dutch as stored (never data, never a trace).
EXPORT_FAILED = gettext_lazy("The download could not be prepared. Please try again later.")
EXPORT_TOO_LONG = gettext_lazy(
    "Preparing the download took too long and was stopped. Ask for it again, or choose fewer "
    "schools or a shorter period."
)
EXPORT_STALLED = gettext_lazy(
    "The download was not prepared: the server that prepares downloads did not finish it. Ask "
    "for it again."
)


def _in_dutch(message) -> str:
    with translation.override("nl"):
        return str(message)


@transaction.atomic
def reach_export_job_create(
    *,
    user: User,
    period: Period,
    fmt: str,
    schools: QuerySet[School],
    scope: QuerySet[School],
    min_cell: int,
    breakdown: str | None = None,
) -> ReachExportJob:
    """Ask for a reach download, built by a Celery task once this transaction commits (at once
    when Celery is eager); the job keeps the scope as the view computed it. When the same user
    has a ready file of hers whose content this one would repeat (the same fingerprint: the
    same parameters, scope, figures as of the same recount and all else the file shows), that
    job is returned with ``reused`` set; when she already waits for the same download, that
    job; only else a new one."""
    params = {
        "fmt": fmt,
        "first_day": period.first,
        "last_day": period.last,
        "breakdown": breakdown or "",
        "school_ids": sorted(schools.values_list("pk", flat=True)),
        "scope_ids": sorted(scope.values_list("pk", flat=True)),
        "min_cell": min_cell,
    }
    # One user's asks one at a time (a double click, two tabs): the look for the same download
    # and the new job cannot interleave, so the single reports worker never builds it twice.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    fingerprint = reach_export_fingerprint(
        period=period,
        fmt=fmt,
        school_ids=params["school_ids"],
        scope_ids=params["scope_ids"],
        min_cell=min_cell,
        breakdown=breakdown,
    )
    if fingerprint is not None:
        # Her own files only (they are per user); one about to be removed is not offered.
        done = (
            ReachExportJob.objects.filter(
                user=user,
                status=ExportStatus.READY,
                fingerprint=fingerprint,
                created_at__gt=timezone.now() - EXPORT_REUSED_WITHIN,
            )
            .defer("content")
            .order_by("-finished_at")
            .first()
        )
        if done is not None:
            done.reused = True
            logger.info("reach export job %s reused", done.pk)
            return done
    same = ReachExportJob.objects.filter(user=user, **params)
    reach_export_jobs_fail_stale(jobs=same)
    waiting = same.waiting().defer("content").order_by("-created_at").first()
    if waiting is not None:
        return waiting
    job = ReachExportJob(user=user, **params)
    job.full_clean()
    job.save()
    enqueue("rapportage.tasks.build_reach_export", job_id=job.pk)
    return job


def reach_export_jobs_fail_stale(
    *, jobs: QuerySet[ReachExportJob] | None = None, now: datetime | None = None
) -> int:
    """Mark failed the waiting downloads (of ``jobs``, else all) that no worker will finish:
    no progress for longer than the task's time limit plus a margin."""
    now = now or timezone.now()
    stale = (ReachExportJob.objects.all() if jobs is None else jobs).stale(now=now)
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return 0
    # The status is checked again in the update: a job that moved on meanwhile stays as it is.
    failed = (
        ReachExportJob.objects.filter(pk__in=ids)
        .stale(now=now)
        .update(status=ExportStatus.FAILED, error=_in_dutch(EXPORT_STALLED), finished_at=now)
    )
    logger.warning("reach export jobs without progress marked failed: %s", ids)
    return failed


def reach_export_job_fail_if_stale(*, job: ReachExportJob) -> ReachExportJob:
    """The job as its page should show it: failed when no worker will finish it."""
    if job.is_stale and reach_export_jobs_fail_stale(jobs=ReachExportJob.objects.filter(pk=job.pk)):
        job.refresh_from_db(fields=["status", "error", "finished_at", "progress"])
    return job


def _progress(job_id: int, percent: int) -> None:
    ReachExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        progress=percent, progressed_at=timezone.now()
    )


def _fail(job_id: int, message) -> None:
    """Mark a running job failed with ``message``."""

    def write():
        ReachExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=_in_dutch(message), finished_at=timezone.now()
        )

    try:
        write()
    except DatabaseError:
        # The time limit can interrupt a query half-way and leave the connection unusable; a
        # worker holds no transaction here, so a fresh connection is safe.
        if connection.in_atomic_block:
            raise
        connection.close()
        write()


def reach_export_job_build(*, job_id: int) -> str:
    """Build a queued download's file with ``reach_export``, exactly as the request used to,
    recording the progress; a failure (or the soft time limit) marks it failed with a message
    for its page. Returns the job's status (a job already ready or failed is left as it is)."""
    job = ReachExportJob.objects.defer("content").filter(pk=job_id).first()
    if job is None:
        return "gone"
    # Only a waiting job starts: one shown failed (its page offered to ask again) stays failed.
    started = ReachExportJob.objects.filter(pk=job_id, status__in=WAITING).update(
        status=ExportStatus.RUNNING,
        progress=PROGRESS_STARTED,
        error="",
        progressed_at=timezone.now(),
    )
    if not started:
        return job.status
    began = time.perf_counter()
    period = Period(job.first_day, job.last_day)
    school_year = period == Period.of(period.school_year)
    parameters = {
        "period": period,
        "fmt": job.fmt,
        "school_ids": job.school_ids,
        "scope_ids": job.scope_ids,
        "min_cell": job.min_cell,
        "breakdown": job.breakdown or None,
    }
    try:
        # Read before and after building: a recount or a rename in between leaves the file
        # without a fingerprint (never offered again) rather than with one it may not match.
        before = reach_export_fingerprint(**parameters)
        result = reach_export(
            school_year=period.school_year,
            schools=School.objects.filter(pk__in=job.school_ids),
            min_cell=job.min_cell,
            fmt=job.fmt,
            scope=School.objects.filter(pk__in=job.scope_ids),
            kept=True,
            breakdown=job.breakdown or None,
            period=None if school_year else period,
            progress=lambda percent: _progress(job_id, percent),
        )
        after = reach_export_fingerprint(**parameters)
    except SoftTimeLimitExceeded:
        logger.warning("reach export job %s stopped at its time limit", job_id)
        _fail(job_id, EXPORT_TOO_LONG)
        return ExportStatus.FAILED
    except Exception as exc:
        # The type only: a message could quote a name from the data.
        logger.warning("reach export job %s failed: %s", job_id, type(exc).__name__)
        _fail(job_id, EXPORT_FAILED)
        return ExportStatus.FAILED
    ReachExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.READY,
        progress=PROGRESS_DONE,
        progressed_at=timezone.now(),
        content=result.content,
        filename=result.filename,
        content_type=result.content_type,
        fingerprint=before if before == after and before is not None else "",
        finished_at=timezone.now(),
    )
    logger.info(
        "reach export job %s ready: %s, %d bytes in %.2f s",
        job_id,
        job.fmt,
        len(result.content),
        time.perf_counter() - began,
    )
    return ExportStatus.READY


def reach_export_jobs_remove_expired(*, now: datetime | None = None) -> int:
    """Remove prepared downloads (with their files) asked for longer than a day ago."""
    cutoff = (now or timezone.now()) - EXPORT_KEPT_FOR
    removed, _by_model = ReachExportJob.objects.filter(created_at__lt=cutoff).delete()
    if removed:
        logger.info("reach export jobs: %d removed", removed)
    return removed
