"""A download asked again while nothing in its file has changed is the file she already has: the
same job, built once. Anything that would change the file (a recount, another period, format or
scope, a rename, freezing the year) is a new job; another user's file, a failed one or one about
to be removed is never offered."""

from datetime import date, timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from familieschool.constants import Role
from familieschool.models import OutboxMessage, School
from familieschool.schoolyear import SchoolYear
from rapportage import services
from rapportage.constants import ExportStatus
from rapportage.models import ReachCount, ReachExportJob
from rapportage.reach import Period
from rapportage.services import reach_count_refresh, reach_snapshot_create
from servicepunt.models import Theme
from tests.familieschool.factories import SchoolFactory, UserFactory
from tests.login import force_login_verified
from tests.rapportage.conftest import local
from tests.rapportage.downloads import ask
from tests.servicepunt.factories import ContactFactory

YEAR = "2024/2025"
CSV = {"schooljaar": YEAR, "formaat": "csv"}
XLSX = {"schooljaar": YEAR, "formaat": "xlsx"}
REUSED = "Je hebt deze download al eerder laten voorbereiden"


def _recount(*labels: str) -> None:
    """What the beat's recount has kept before anyone asks (this year and the one before)."""
    for label in labels or (YEAR, "2023/2024"):
        reach_count_refresh(period=Period.of(SchoolYear.parse(label)))


def _job(response) -> ReachExportJob:
    assert response.status_code == 302, response.status_code
    return ReachExportJob.objects.get(public_id=response.url.rstrip("/").rsplit("/", 1)[1])


def _builds() -> int:
    return OutboxMessage.objects.filter(task_name="rapportage.tasks.build_reach_export").count()


@pytest.fixture
def kept(reach_world):
    _recount()
    return reach_world


@pytest.mark.parametrize("params", [CSV, XLSX], ids=["csv", "xlsx"])
def test_the_same_download_asked_again_is_her_finished_job_built_once(
    kept, lisa_client, params, monkeypatch
):
    first = _job(ask(lisa_client, params))
    assert first.status == ExportStatus.READY and first.fingerprint
    built = []
    monkeypatch.setattr(
        services, "reach_export", lambda **kwargs: built.append(kwargs) or pytest.fail("built")
    )

    response = ask(lisa_client, params)

    assert _job(response) == first
    assert built == [] and _builds() == 1 and ReachExportJob.objects.count() == 1
    page = lisa_client.get(response.url).content.decode()
    assert REUSED in page and "Het bestand is klaar." in page
    assert 'aria-valuenow="100"' in page
    assert reverse("rapportage:export-job-file", args=[first.public_id]) in page
    file = lisa_client.get(reverse("rapportage:export-job-file", args=[first.public_id]))
    assert file.status_code == 200 and file.content == bytes(first.content)


def test_after_a_recount_with_changed_figures_it_is_a_new_job(kept, lisa_client):
    first = _job(ask(lisa_client, CSV))
    ContactFactory(school=kept.schools["A"], occurred_at=local(2025, 3, 10, 10))
    _recount(YEAR)

    again = _job(ask(lisa_client, CSV))

    assert again != first and again.status == ExportStatus.READY and _builds() == 2
    assert bytes(again.content) != bytes(first.content)
    page = lisa_client.get(reverse("rapportage:export-job", args=[again.public_id]))
    assert REUSED not in page.content.decode()


def test_a_recount_of_last_year_is_a_new_workbook_but_not_a_new_csv(kept, lisa_client):
    csv, xlsx = _job(ask(lisa_client, CSV)), _job(ask(lisa_client, XLSX))
    # The workbook compares with last year and says when its figures were counted.
    _recount("2023/2024")

    assert _job(ask(lisa_client, CSV)) == csv
    assert _job(ask(lisa_client, XLSX)) != xlsx


def test_a_recount_that_changes_nothing_still_moves_the_time_the_file_states(kept, lisa_client):
    first = _job(ask(lisa_client, XLSX))
    reach_count_refresh(period=Period.of(SchoolYear.parse(YEAR)), only_if_changed=True)

    assert _job(ask(lisa_client, XLSX)) != first


def test_another_year_format_board_or_scope_is_a_new_job(kept, lisa_client):
    _recount("2022/2023")
    first = _job(ask(lisa_client, CSV))
    others = [
        _job(ask(lisa_client, XLSX)),
        _job(ask(lisa_client, {**CSV, "schooljaar": "2023/2024"})),
        _job(ask(lisa_client, {**CSV, "bestuur": kept.boards["X"].pk})),
        _job(ask(lisa_client, {**CSV, "per": "gemeente"})),
    ]
    assert len({first.pk, *(job.pk for job in others)}) == 5
    assert all(job.status == ExportStatus.READY for job in others)

    # A school she may see now that she could not before: the same link, another file.
    SchoolFactory(board=kept.boards["X"])
    wider = _job(ask(lisa_client, CSV))

    assert wider not in (first, *others)
    assert len(wider.scope_ids) == len(first.scope_ids) + 1
    assert _job(ask(lisa_client, CSV)) == wider


def test_another_user_never_gets_the_first_users_job(kept, lisa_client, client):
    lisas = _job(ask(lisa_client, CSV))
    paula = UserFactory(username="paula", role=Role.PROJECT_LEADER)
    force_login_verified(client, paula)

    paulas = _job(ask(client, CSV))

    assert paulas != lisas and paulas.user == paula and paulas.status == ExportStatus.READY
    assert paulas.fingerprint == lisas.fingerprint  # the same file, but hers
    assert client.get(reverse("rapportage:export-job", args=[lisas.public_id])).status_code == 404
    assert _job(ask(client, CSV)) == paulas
    assert _job(ask(lisa_client, CSV)) == lisas


@pytest.mark.parametrize(
    "change",
    [
        {"status": ExportStatus.FAILED},
        {"created_at": timezone.now() - timedelta(hours=23, minutes=30)},
    ],
    ids=["failed", "about to be removed"],
)
def test_a_failed_or_expiring_job_is_not_reused(kept, lisa_client, change):
    first = _job(ask(lisa_client, CSV))
    ReachExportJob.objects.filter(pk=first.pk).update(**change)

    again = _job(ask(lisa_client, CSV))

    assert again != first


def test_a_job_of_earlier_today_is_reused(kept, lisa_client):
    first = _job(ask(lisa_client, CSV))
    ReachExportJob.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(hours=22)
    )

    assert _job(ask(lisa_client, CSV)) == first


def test_without_a_beat_a_count_older_than_promised_is_recounted_not_reused(
    kept, lisa_client, settings, monkeypatch
):
    # make run: no broker, no beat; the file is built from a recount, as the dashboard is.
    settings.CELERY_BROKER_URL = ""
    first = _job(ask(lisa_client, CSV))
    ContactFactory(school=kept.schools["A"], occurred_at=local(2025, 3, 10, 10))
    later = timezone.now() + timedelta(minutes=settings.REACH_RECOUNT_MINUTES, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    again = _job(ask(lisa_client, CSV))

    assert again != first and again.status == ExportStatus.READY
    assert bytes(again.content) != bytes(first.content)
    assert ReachCount.objects.get(first_day=date(2024, 8, 1)).counted_at == later


def test_a_renamed_school_is_a_new_file_a_renamed_theme_only_a_new_workbook(kept, lisa_client):
    csv, xlsx = _job(ask(lisa_client, CSV)), _job(ask(lisa_client, XLSX))
    Theme.objects.filter(code="geldzaken").update(name="Geld en schulden")

    assert _job(ask(lisa_client, CSV)) == csv  # the CSV has the theme's code, not its name
    renamed_theme = _job(ask(lisa_client, XLSX))
    assert renamed_theme != xlsx

    School.objects.filter(pk=kept.schools["A"].pk).update(name="De Nieuwe Schakel")
    renamed = _job(ask(lisa_client, CSV))

    assert renamed != csv and b"De Nieuwe Schakel" in bytes(renamed.content)
    assert _job(ask(lisa_client, XLSX)) not in (xlsx, renamed_theme)


def test_freezing_the_year_is_a_new_file(kept, lisa_client):
    first = _job(ask(lisa_client, CSV))
    reach_snapshot_create(school_year=SchoolYear.parse(YEAR))

    frozen = _job(ask(lisa_client, CSV))

    assert frozen != first and frozen.filename == "bereik_2024-2025_vastgelegd.csv"
    assert _job(ask(lisa_client, CSV)) == frozen


def test_a_from_to_period_is_counted_for_each_download(kept, alice_client):
    period = {"periode": "van_tot", "van": "2025-07-31", "tot": "2025-08-01", "formaat": "csv"}
    first = _job(ask(alice_client, period))

    assert first.status == ExportStatus.READY and first.fingerprint == ""
    assert _job(ask(alice_client, period)) != first


def test_a_file_whose_figures_were_recounted_while_it_was_built_is_not_offered_again(
    kept, lisa_client, monkeypatch
):
    build = services.reach_export

    def recounted_meanwhile(**kwargs):
        result = build(**kwargs)
        _recount(YEAR)
        return result

    monkeypatch.setattr(services, "reach_export", recounted_meanwhile)
    first = _job(ask(lisa_client, CSV))
    monkeypatch.setattr(services, "reach_export", build)

    assert first.status == ExportStatus.READY and first.fingerprint == ""
    assert _job(ask(lisa_client, CSV)) != first


def test_a_year_not_counted_yet_is_built_and_offered_from_its_next_build(reach_world, lisa_client):
    # Before the beat's first recount the build counts the year itself: that file is not
    # offered again (its figures were counted while it was built); the next one is.
    first = _job(ask(lisa_client, CSV))
    second = _job(ask(lisa_client, CSV))

    assert first.fingerprint == "" and second != first and second.fingerprint
    assert _job(ask(lisa_client, CSV)) == second


def test_asking_again_for_a_failed_download_gets_her_ready_identical_file(kept, lisa_client):
    ready = _job(ask(lisa_client, CSV))
    failed = ReachExportJob.objects.create(
        user=ready.user,
        **{
            field: getattr(ready, field)
            for field in ("fmt", "first_day", "last_day", "school_ids", "scope_ids", "min_cell")
        },
        status=ExportStatus.FAILED,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = lisa_client.post(reverse("rapportage:export-job-retry", args=[failed.public_id]))

    assert _job(response) == ready and _builds() == 1
