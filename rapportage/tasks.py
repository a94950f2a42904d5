"""Recounting the kept reach figures, so that no web request recounts the city's history."""

from familieschool.celery import RELIABLE, app

from .services import reach_counts_recount


@app.task(name="rapportage.tasks.recount_reach", **RELIABLE)
def recount_reach() -> dict[str, int]:
    """Recount this and last school year's kept figures, and older kept years once a day."""
    return reach_counts_recount()
