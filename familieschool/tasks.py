"""The core's scheduled jobs: relaying the outbox and the nightly retention run."""

from .celery import RELIABLE, app
from .outbox import relay
from .retention import retention_apply


@app.task(
    name="familieschool.tasks.relay_outbox",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def relay_outbox() -> dict[str, int]:
    """Publish the outbox rows that could not reach the broker when they were written."""
    # Rows younger than a few seconds are still being published by the request that wrote them.
    return relay(min_age_seconds=5)


@app.task(name="familieschool.tasks.apply_retention", **RELIABLE)
def apply_retention() -> dict[str, int]:
    """Anonymise the families out of touch for the retention period; counts only."""
    return retention_apply()
