"""The prepared reach downloads in admin: a read-only list for operators (superusers only) to
spot stuck or failed jobs; never the file."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from rapportage.constants import ExportStatus
from rapportage.models import ReachExportJob
from tests.familieschool.factories import UserFactory
from tests.login import force_login_verified

CHANGELIST = reverse("admin:rapportage_reachexportjob_changelist")


def _job(user, status, **fields) -> ReachExportJob:
    return ReachExportJob.objects.create(
        user=user,
        fmt="xlsx",
        first_day=date(2024, 8, 1),
        last_day=date(2025, 7, 31),
        status=status,
        content=b"secret workbook bytes",
        **fields,
    )


@pytest.fixture
def jobs(lisa, alice):
    return {
        "running": _job(lisa, ExportStatus.RUNNING, progress=50),
        "failed": _job(alice, ExportStatus.FAILED, error="De download kon niet worden voorbereid."),
    }


def test_the_superuser_sees_the_jobs_with_owner_status_progress_and_period(adam_client, jobs):
    response = adam_client.get(CHANGELIST)

    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Aangevraagd door", "Status", "Voortgang", "Aangemaakt op", "Periode"):
        assert heading in page, heading
    assert "lisa" in page and "alice" in page
    assert "2024-08-01 - 2025-07-31" in page
    assert "secret workbook" not in page


def test_the_list_filters_on_status(adam_client, jobs):
    response = adam_client.get(CHANGELIST, {"status__exact": "failed"})

    assert list(response.context["cl"].result_list) == [jobs["failed"]]


def test_a_job_cannot_be_added_changed_or_deleted(adam_client, jobs):
    job = jobs["running"]
    change = reverse("admin:rapportage_reachexportjob_change", args=[job.pk])

    page = adam_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "secret workbook" not in page.content.decode()
    assert adam_client.post(change, {"status": "ready", "progress": 100}).status_code == 403
    add = reverse("admin:rapportage_reachexportjob_add")
    assert adam_client.get(add).status_code == 403
    delete = reverse("admin:rapportage_reachexportjob_delete", args=[job.pk])
    assert adam_client.post(delete, {"post": "yes"}).status_code == 403
    job.refresh_from_db()
    assert (job.status, job.progress) == (ExportStatus.RUNNING, 50)


def test_staff_without_superuser_rights_do_not_see_the_jobs(client, jobs):
    staff = UserFactory(username="stef", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="rapportage"))
    force_login_verified(client, staff)

    assert client.get(CHANGELIST).status_code == 403
    assert "reachexportjob" not in client.get(reverse("admin:index")).content.decode()


def test_a_project_leader_is_sent_to_the_admin_login(lisa_client, jobs):
    response = lisa_client.get(CHANGELIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
