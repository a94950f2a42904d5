"""The reach download prepared in the background: the same file as the direct build, its
progress, its failure, who may see it, and its removal after a day."""

import io
import logging
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from familieschool.constants import Role
from familieschool.models import OutboxMessage, School
from rapportage import services
from rapportage.constants import ExportStatus
from rapportage.exports import reach_export
from rapportage.models import ReachExportJob
from rapportage.reach import Period
from rapportage.tasks import remove_expired_reach_exports
from tests.familieschool.factories import UserFactory
from tests.login import force_login_verified
from tests.rapportage.downloads import EXPORT, ask, download

YEAR = "2024/2025"


def _job(response) -> ReachExportJob:
    assert response.status_code == 302, response.status_code
    return ReachExportJob.objects.get(public_id=response.url.rstrip("/").rsplit("/", 1)[1])


def _parts(content: bytes) -> dict[str, bytes]:
    """A workbook's parts without docProps/core.xml, whose created/modified times are the
    moment of writing."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"
        }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_prepared_file_is_the_file_the_request_used_to_build(reach_world, lisa_client, fmt):
    board = reach_world.boards["X"]
    response = download(
        lisa_client, {"schooljaar": YEAR, "formaat": fmt, "bestuur": board.pk, "per": "gemeente"}
    )

    direct = reach_export(
        school_year=YEAR,
        schools=School.objects.filter(board=board),
        min_cell=5,
        fmt=fmt,
        scope=School.objects.all(),
        kept=True,
        breakdown="gemeente",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == direct.content_type
    assert response["Content-Disposition"] == f'attachment; filename="{direct.filename}"'
    if fmt == "csv":
        assert response.content == direct.content
    else:
        assert _parts(response.content) == _parts(direct.content)


def test_a_period_download_is_built_for_that_period(reach_world, alice_client):
    period = {"periode": "van_tot", "van": "2025-07-31", "tot": "2025-08-01", "formaat": "csv"}
    job = _job(ask(alice_client, period))
    assert (job.first_day.isoformat(), job.last_day.isoformat()) == ("2025-07-31", "2025-08-01")
    school = reach_world.schools["A"]
    direct = reach_export(
        school_year="2024/2025",
        schools=School.objects.filter(pk=school.pk),
        min_cell=0,
        fmt="csv",
        scope=School.objects.filter(pk=school.pk),
        kept=True,
        period=Period(job.first_day, job.last_day),
    )
    job.refresh_from_db()
    assert bytes(job.content) == direct.content
    assert job.filename == "bereik_2025-07-31-2025-08-01.csv"


def test_the_task_gets_the_jobs_id_only(reach_world, lisa_client):
    response = lisa_client.get(EXPORT, {"schooljaar": YEAR, "formaat": "xlsx"})
    job = _job(response)
    message = OutboxMessage.objects.get(task_name="rapportage.tasks.build_reach_export")
    assert message.kwargs == {"job_id": job.pk}
    assert job.status == ExportStatus.QUEUED
    assert job.school_ids == sorted(school.pk for school in reach_world.schools.values())
    assert job.min_cell == 5 and job.user.username == "lisa"


def test_with_eager_celery_the_job_is_ready_when_the_redirect_lands(reach_world, lisa_client):
    job = _job(ask(lisa_client, {"schooljaar": YEAR, "formaat": "csv"}))
    page = lisa_client.get(reverse("rapportage:export-job", args=[job.public_id])).content.decode()
    assert "Het bestand is klaar." in page
    assert 'http-equiv="refresh"' not in page
    assert 'aria-valuenow="100"' in page
    assert reverse("rapportage:export-job-file", args=[job.public_id]) in page


def test_a_queued_job_shows_its_progress_refreshes_and_has_no_file_yet(reach_world, lisa_client):
    job = _job(lisa_client.get(EXPORT, {"schooljaar": YEAR, "formaat": "csv"}))

    page = lisa_client.get(reverse("rapportage:export-job", args=[job.public_id])).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'role="progressbar"' in page and 'aria-valuenow="0"' in page
    assert "In de wachtrij. Deze pagina toont de link zodra het bestand klaar is." in page
    assert 'id="export-retry" class="d-none"' in page
    status = lisa_client.get(reverse("rapportage:export-job-status", args=[job.public_id])).json()
    assert status["status"] == "queued" and status["progress"] == 0
    assert status["ready"] is False and status["file_url"] == ""
    file_url = reverse("rapportage:export-job-file", args=[job.public_id])
    assert lisa_client.get(file_url).url == reverse("rapportage:export-job", args=[job.public_id])

    services.reach_export_job_build(job_id=job.pk)

    status = lisa_client.get(reverse("rapportage:export-job-status", args=[job.public_id])).json()
    assert status["status"] == "ready" and status["progress"] == 100
    assert status["file_url"] == file_url
    assert status["message"] == "Het bestand is klaar."
    assert lisa_client.get(file_url)["Content-Disposition"].startswith("attachment;")


def test_the_build_records_its_progress_at_each_step(reach_world, lisa_client, monkeypatch):
    job = _job(lisa_client.get(EXPORT, {"schooljaar": YEAR, "formaat": "xlsx"}))
    seen = []
    record = services._progress

    def recording(job_id, percent):
        seen.append((ReachExportJob.objects.get(pk=job_id).status, percent))
        record(job_id, percent)

    monkeypatch.setattr(services, "_progress", recording)
    assert services.reach_export_job_build(job_id=job.pk) == ExportStatus.READY

    assert seen == [("running", 50), ("running", 90)]
    job.refresh_from_db()
    assert (job.status, job.progress) == (ExportStatus.READY, 100)
    assert job.finished_at is not None and job.filename == "bereik_2024-2025.xlsx"


def test_a_failed_build_says_so_in_dutch_and_logs_no_data(
    reach_world, lisa_client, monkeypatch, caplog
):
    job = _job(lisa_client.get(EXPORT, {"schooljaar": YEAR, "formaat": "csv"}))

    def broken(**kwargs):
        raise ValueError("gezin Jansen-Bakker")

    monkeypatch.setattr(services, "reach_export", broken)
    with caplog.at_level(logging.INFO):
        assert services.reach_export_job_build(job_id=job.pk) == ExportStatus.FAILED

    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.content is None
    assert job.error == "De download kon niet worden voorbereid. Probeer het later opnieuw."
    assert "Jansen" not in caplog.text and f"reach export job {job.pk} failed" in caplog.text
    status = lisa_client.get(reverse("rapportage:export-job-status", args=[job.public_id])).json()
    assert status["failed"] is True and status["message"] == job.error
    page = lisa_client.get(reverse("rapportage:export-job", args=[job.public_id])).content.decode()
    assert job.error in page and 'http-equiv="refresh"' not in page
    retry = reverse("rapportage:export-job-retry", args=[job.public_id])
    assert f'action="{retry}" id="export-retry">' in page


def test_a_built_job_is_not_built_again(reach_world, lisa_client, monkeypatch):
    job = _job(ask(lisa_client, {"schooljaar": YEAR, "formaat": "csv"}))
    monkeypatch.setattr(services, "reach_export", lambda **kwargs: pytest.fail("built again"))
    assert services.reach_export_job_build(job_id=job.pk) == ExportStatus.READY


@pytest.mark.parametrize("name", ["export-job", "export-job-status", "export-job-file"])
def test_only_the_user_who_asked_sees_the_job(reach_world, lisa_client, bob_client, client, name):
    job = _job(ask(lisa_client, {"schooljaar": YEAR, "formaat": "csv"}))
    url = reverse(f"rapportage:{name}", args=[job.public_id])
    assert lisa_client.get(url).status_code == 200

    other_leader = UserFactory(username="paula", role=Role.PROJECT_LEADER)
    force_login_verified(client, other_leader)
    assert client.get(url).status_code == 404
    # A coordinator of another school than the job's (bob, of school B).
    assert bob_client.get(url).status_code == 404


def test_a_coordinators_download_goes_through_the_same_flow(reach_world, alice_client):
    response = download(alice_client, {"schooljaar": YEAR, "formaat": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="bereik_2024-2025.csv"'
    job = ReachExportJob.objects.get()
    assert job.user.username == "alice" and job.min_cell == 0
    assert job.school_ids == [reach_world.schools["A"].pk]


def test_a_bad_request_creates_no_job(reach_world, lisa_client):
    response = lisa_client.get(EXPORT, {"schooljaar": YEAR, "formaat": "pdf"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("rapportage:dashboard")
    assert not ReachExportJob.objects.exists()


def test_jobs_older_than_a_day_are_removed_by_the_scheduled_task(reach_world, lisa_client):
    old = _job(ask(lisa_client, {"schooljaar": YEAR, "formaat": "csv"}))
    recent = _job(ask(lisa_client, {"schooljaar": YEAR, "formaat": "xlsx"}))
    ReachExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    ReachExportJob.objects.filter(pk=recent.pk).update(
        created_at=timezone.now() - timedelta(hours=23)
    )

    assert remove_expired_reach_exports.apply().get() == 1

    assert list(ReachExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    url = reverse("rapportage:export-job-file", args=[old.public_id])
    assert lisa_client.get(url).status_code == 404


def test_the_removal_runs_every_hour_from_the_beat_schedule(db):
    task = PeriodicTask.objects.select_related("interval").get(
        task="rapportage.tasks.remove_expired_reach_exports"
    )
    assert (task.interval.every, task.interval.period) == (3600, "seconds")
    assert task.enabled
