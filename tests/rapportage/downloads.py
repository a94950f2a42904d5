"""The reach download as a user gets it: ask on the dashboard's link, land on the job's page,
take the file from its link. The job is built by the Celery task (eager in the tests) once the
request's transaction commits."""

from django.test import TestCase
from django.urls import reverse

from rapportage.models import ReachExportJob
from rapportage.services import reach_export_job_build

EXPORT = reverse("rapportage:export")


def ask(client, params: dict | str):
    """The download request (``params`` as a dict or a query string), with the outbox
    publishing (and the eager task running) on commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        if isinstance(params, str):
            return client.get(f"{EXPORT}?{params}")
        return client.get(EXPORT, params)


def download(client, params: dict | str):
    """The file of a download: asked for, its job page opened, the file taken from the link.
    A response that is not the redirect to a job page is returned as it is (a 404, a refusal)."""
    asked = ask(client, params)
    if asked.status_code != 302 or "/download/" not in asked.url:
        return asked
    page = client.get(asked.url)
    assert page.status_code == 200, page.status_code
    job = ReachExportJob.objects.get(public_id=asked.url.rstrip("/").rsplit("/", 1)[1])
    file_url = reverse("rapportage:export-job-file", args=[job.public_id])
    assert f'href="{file_url}"' in page.content.decode(), "no link to the file on the job page"
    return client.get(file_url)


def ready_job(*, user, school_ids, fmt="csv", period=None) -> ReachExportJob:
    """A job of ``user`` built by the task's service (for the permission walk and the gate)."""
    from familieschool.schoolyear import SchoolYear
    from rapportage.reach import Period

    period = period or Period.of(SchoolYear.current())
    job = ReachExportJob.objects.create(
        user=user,
        fmt=fmt,
        first_day=period.first,
        last_day=period.last,
        school_ids=list(school_ids),
        scope_ids=list(school_ids),
    )
    reach_export_job_build(job_id=job.pk)
    job.refresh_from_db()
    return job
