"""The reach download in a real Chromium: the dashboard's button, the job's page with its
progress bar, the file from its link, and the button to ask again for one that failed."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from familieschool.models import School
from familieschool.schoolyear import SchoolYear
from rapportage.exports import CSV_HEADER, reach_export
from rapportage.models import ReachExportJob, export_stale_after
from rapportage.reach import Period
from rapportage.services import reach_count_refresh, reach_export_job_build
from tests.rapportage.test_exports import read_csv

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

YEAR = "2024/2025"


@pytest.fixture
def page(open_page, lisa):
    return open_page(lisa, viewport={"width": 1280, "height": 900})


def test_the_dashboards_button_leads_to_the_prepared_file(page, reach_world):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/rapportage/?schooljaar={YEAR}")

    page.get_by_role("link", name="Download CSV (kommagescheiden)").click()

    expect(page).to_have_url(re.compile(r"/rapportage/download/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", name="Je download")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_role("status")).to_have_text("Het bestand is klaar.")
    with page.expect_download() as info:
        page.get_by_role("link", name="Bestand downloaden (CSV)").click()
    download = info.value
    assert download.suggested_filename == "bereik_2024-2025.csv"
    content = Path(download.path()).read_bytes()
    direct = reach_export(
        school_year=YEAR,
        schools=School.objects.all(),
        min_cell=5,
        fmt="csv",
        scope=School.objects.all(),
        kept=True,
    )
    assert content == direct.content
    lines = read_csv(content)
    assert lines[0] == CSV_HEADER
    assert {"De Schakel", "OBO Spoorzicht", "Joannes XXIII", "totaal"} <= {
        line[1] for line in lines[1:]
    }
    assert errors == []


def test_asking_the_same_download_again_opens_the_file_already_made(page, reach_world, lisa):
    reach_count_refresh(period=Period.of(SchoolYear.parse(YEAR)))
    page.goto(f"/rapportage/?schooljaar={YEAR}")
    page.get_by_role("link", name="Download CSV (kommagescheiden)").click()
    expect(page.get_by_role("status")).to_have_text("Het bestand is klaar.")
    first = page.url

    page.goto(f"/rapportage/?schooljaar={YEAR}")
    page.get_by_role("link", name="Download CSV (kommagescheiden)").click()

    expect(page).to_have_url(first)
    expect(page.get_by_text("Je hebt deze download al eerder laten voorbereiden")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    with page.expect_download() as info:
        page.get_by_role("link", name="Bestand downloaden (CSV)").click()
    job = ReachExportJob.objects.get(user=lisa)
    assert Path(info.value.path()).read_bytes() == bytes(job.content)


def _queued_job(user, fmt: str) -> ReachExportJob:
    """A download of 2024/2025 for every school, asked and waiting for a worker."""
    school_ids = sorted(School.objects.values_list("pk", flat=True))
    return ReachExportJob.objects.create(
        user=user,
        fmt=fmt,
        first_day="2024-08-01",
        last_day="2025-07-31",
        school_ids=school_ids,
        scope_ids=school_ids,
        min_cell=5,
    )


def test_the_page_polls_until_the_file_is_ready(page, reach_world, lisa):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    job = _queued_job(lisa, "xlsx")
    page.goto(f"/rapportage/download/{job.public_id}/")
    link = page.get_by_role("link", name="Bestand downloaden (XLSX)")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_role("status")).to_contain_text("In de wachtrij.")
    expect(link).to_be_hidden()

    # The worker builds it while the page is open; the page finds out by itself.
    reach_export_job_build(job_id=job.pk)

    expect(link).to_be_visible(timeout=10_000)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_role("status")).to_have_text("Het bestand is klaar.")
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == "bereik_2024-2025.xlsx"
    job.refresh_from_db()
    assert Path(info.value.path()).read_bytes() == bytes(job.content)
    assert errors == []


def test_a_download_no_worker_finishes_is_shown_failed_and_asked_again(page, reach_world, lisa):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    job = _queued_job(lisa, "csv")
    page.goto(f"/rapportage/download/{job.public_id}/")
    again = page.get_by_role("button", name="Deze download opnieuw aanvragen")
    expect(page.get_by_role("status")).to_contain_text("In de wachtrij.")
    expect(again).to_be_hidden()

    # No worker takes it: once it has waited longer than the task may run, the polling page
    # says so and offers to ask again.
    ReachExportJob.objects.filter(pk=job.pk).update(
        progressed_at=timezone.now() - export_stale_after() - timedelta(seconds=5)
    )
    expect(page.get_by_role("status")).to_contain_text(
        "De download is niet voorbereid", timeout=10_000
    )
    expect(again).to_be_visible()
    again.click()

    expect(page).to_have_url(re.compile(r"/rapportage/download/[0-9a-f-]{36}/$"))
    assert str(job.public_id) not in page.url
    expect(page.get_by_role("status")).to_have_text("Het bestand is klaar.")
    new = ReachExportJob.objects.exclude(pk=job.pk).get()
    assert str(new.public_id) in page.url and new.user == lisa
    assert (new.fmt, new.school_ids, new.min_cell) == ("csv", job.school_ids, 5)
    with page.expect_download() as info:
        page.get_by_role("link", name="Bestand downloaden (CSV)").click()
    assert info.value.suggested_filename == "bereik_2024-2025.csv"
    assert errors == []
