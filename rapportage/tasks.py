"""Recounting the kept reach figures, so that no web request recounts the city's history;
preparing the reach downloads, so that no web request builds a workbook."""

from familieschool.celery import RELIABLE, app

from .services import (
    reach_counts_recount,
    reach_export_job_build,
    reach_export_jobs_remove_expired,
)


@app.task(name="rapportage.tasks.recount_reach", **RELIABLE)
def recount_reach() -> dict[str, int]:
    """Recount this and last school year's kept figures, and older kept years once a day."""
    return reach_counts_recount()


@app.task(name="rapportage.tasks.build_reach_export", **RELIABLE)
def build_reach_export(*, job_id: int) -> str:
    """Build the file of a reach download someone asked for (its id only)."""
    return reach_export_job_build(job_id=job_id)


@app.task(name="rapportage.tasks.remove_expired_reach_exports", **RELIABLE)
def remove_expired_reach_exports() -> int:
    """Remove reach downloads (and their files) asked for more than a day ago."""
    return reach_export_jobs_remove_expired()
