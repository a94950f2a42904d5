"""Recounting the kept reach figures, so that no web request recounts the city's history;
preparing the reach downloads, so that no web request builds a workbook."""

from django.conf import settings

from familieschool.celery import RELIABLE, app

from .services import (
    reach_counts_recount,
    reach_export_job_build,
    reach_export_jobs_fail_stale,
    reach_export_jobs_remove_expired,
)


@app.task(name="rapportage.tasks.recount_reach", **RELIABLE)
def recount_reach() -> dict[str, int]:
    """Recount this and last school year's kept figures, and older kept years once a day."""
    return reach_counts_recount()


# On the reports queue (settings.CELERY_TASK_ROUTES). At the soft limit the service marks the
# job failed; the hard limit ends a build that does not stop, and the job page then shows the
# job failed once it has made no progress for longer than that (ReachExportJob.objects.stale).
@app.task(
    name="rapportage.tasks.build_reach_export",
    soft_time_limit=settings.REACH_EXPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REACH_EXPORT_TIME_LIMIT,
    **RELIABLE,
)
def build_reach_export(*, job_id: int) -> str:
    """Build the file of a reach download someone asked for (its id only)."""
    return reach_export_job_build(job_id=job_id)


@app.task(name="rapportage.tasks.remove_expired_reach_exports", **RELIABLE)
def remove_expired_reach_exports() -> int:
    """Mark failed the reach downloads no worker will finish (so that admin shows them so), and
    remove those (and their files) asked for more than a day ago; returns how many were removed."""
    reach_export_jobs_fail_stale()
    return reach_export_jobs_remove_expired()
