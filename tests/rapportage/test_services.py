"""Freezing a school year: the snapshot keeps the figures whatever happens to the records."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from activiteiten.models import Attendance
from familieschool.models import Parent
from familieschool.schoolyear import SchoolYear
from partners.models import Appointment, SpreekuurCancellation
from rapportage.exports import reach_export
from rapportage.models import ReachSnapshot, ReachSnapshotFigure
from rapportage.reach import reach_report, reach_rows
from rapportage.services import reach_snapshot_create
from servicepunt.models import Contact, Provision

YEAR = SchoolYear.parse("2024/2025")


def test_it_freezes_every_school_with_the_same_figures_as_the_live_records(reach_world, lisa):
    live = reach_rows(YEAR, live=True)

    snapshot = reach_snapshot_create(school_year=YEAR, user=lisa)

    assert snapshot.frozen_by == lisa
    assert snapshot.schools.count() == 3
    assert reach_rows(YEAR) == live
    assert reach_rows(YEAR, min_cell=5) == reach_rows(YEAR, min_cell=5, live=True)


def test_the_frozen_figures_stay_when_personal_data_is_removed(reach_world):
    reach_snapshot_create(school_year=YEAR)
    frozen = reach_rows(YEAR)
    parent = reach_world.parents["a1p1"]
    Attendance.objects.filter(parent=parent).delete()
    parent.delete()

    assert reach_rows(YEAR) == frozen
    assert reach_rows(YEAR, live=True) != frozen
    assert reach_report(YEAR).is_frozen


def test_the_snapshot_keeps_the_school_names_and_counts_of_that_year(reach_world):
    reach_snapshot_create(school_year=YEAR)
    school = reach_world.schools["A"]
    school.name = "De Schakel (nieuw)"
    school.save()

    names = {row.school for row in reach_rows(YEAR)}

    assert "De Schakel" in names and "De Schakel (nieuw)" not in names


def test_a_frozen_year_is_shown_only_for_the_schools_in_scope(reach_world):
    reach_snapshot_create(school_year=YEAR)
    rows = reach_rows(YEAR, schools=[reach_world.schools["B"]])
    assert {row.school for row in rows if row.level == "school"} == {"OBO Spoorzicht"}


def test_it_refuses_a_year_that_has_not_ended(reach_world):
    with pytest.raises(ValidationError) as error:
        reach_snapshot_create(school_year=SchoolYear.current())
    assert "school_year" in error.value.message_dict
    assert not ReachSnapshot.objects.exists()
    assert not ReachSnapshotFigure.objects.exists()


def test_it_refuses_to_freeze_a_year_twice(reach_world):
    reach_snapshot_create(school_year=YEAR)
    with pytest.raises(ValidationError):
        reach_snapshot_create(school_year=YEAR)
    assert ReachSnapshot.objects.count() == 1


def test_the_freeze_command_freezes_a_year(reach_world, capsys):
    call_command("freeze_reach", schooljaar="2024/2025")
    assert ReachSnapshot.objects.filter(school_year="2024/2025").exists()
    assert "frozen for 3 schools" in capsys.readouterr().out


def test_the_freeze_command_explains_a_refusal(reach_world):
    with pytest.raises(CommandError, match="al vastgelegd"):
        call_command("freeze_reach", schooljaar="2024/2025")
        call_command("freeze_reach", schooljaar="2024/2025")
    with pytest.raises(CommandError, match="Not a school year"):
        call_command("freeze_reach", schooljaar="2024-2025")


# A sample of the figures added by issue 14, each changed below by editing that year's records.
NEW_CODES = [
    "contacten_per_taal",
    "contacten_tolk",
    "contacten_per_bron",
    "vaders_bereikt",
    "gezinnen_per_voorziening",
    "gezinnen_per_voorziening_status",
    "afspraken_verschenen",
    "afspraken_niet_verschenen",
    "spreekuren_geannuleerd",
    "ouders_nieuw",
]


def _rows_of(rows, codes):
    return [row for row in rows if row.indicator in codes]


def test_a_frozen_years_export_stays_when_its_records_change_for_the_new_figures(reach_world):
    reach_snapshot_create(school_year=YEAR)
    export = reach_export(school_year=YEAR, fmt="csv").content
    frozen = _rows_of(reach_rows(YEAR), NEW_CODES)

    Contact.objects.update(language="", interpreter=False, source=None)
    Parent.objects.update(relation="")
    Provision.objects.update(status="afgewezen")
    Appointment.objects.update(status="gepland")
    SpreekuurCancellation.objects.all().delete()
    Attendance.objects.update(first_time=False)

    live = _rows_of(reach_rows(YEAR, live=True), NEW_CODES)
    for code in NEW_CODES:
        assert _rows_of(live, {code}) != _rows_of(frozen, {code}), code
    assert reach_export(school_year=YEAR, fmt="csv").content == export
    assert _rows_of(reach_rows(YEAR), NEW_CODES) == frozen


def test_a_figure_added_after_the_year_was_frozen_reads_as_unknown(reach_world):
    # A snapshot taken before these figures existed holds no row of them.
    reach_snapshot_create(school_year=YEAR)
    added = {"contacten_per_taal", "afspraken_verschenen", "kinderen_programma", "vaders_bereikt"}
    ReachSnapshotFigure.objects.filter(indicator__in=added).delete()

    for min_cell in (0, 5):
        rows = _rows_of(reach_rows(YEAR, min_cell=min_cell), added | {"kinderen_programma_pct"})
        live = _rows_of(reach_rows(YEAR, live=True), added)
        assert any(row.value for row in live)  # counted live, but not in the frozen year
        assert rows and all(row.value is None and not row.hidden for row in rows)
        assert all(row.waarde == "" for row in rows)
        # A categorised figure has no categories, only its total row when it has one.
        assert {row.category for row in rows} == {""}
        assert {row.indicator for row in rows} == added - {"contacten_per_taal"} | {
            "kinderen_programma_pct"
        }
    # The next year shows no change against a figure its last year does not hold.
    report = reach_report("2025/2026")
    fathers = next(r for r in report.rows if r.key == (reach_world.name("A"), "vaders_bereikt", ""))
    assert fathers.value is not None
    assert report.previous(fathers).value is None and report.change(fathers) is None
    # The figures the year does hold are still there, and the contacts are still the months'.
    rows = {row.key: row for row in reach_rows(YEAR)}
    a = reach_world.name("A")
    assert rows[(a, "contacten", "")].value == 3
    assert rows[(a, "contacten_per_bron", "leerkracht")].value == 1
