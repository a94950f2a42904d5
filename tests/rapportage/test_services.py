"""Freezing a school year: the snapshot keeps the figures whatever happens to the records."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from activiteiten.models import Attendance
from familieschool.schoolyear import SchoolYear
from rapportage.models import ReachSnapshot, ReachSnapshotFigure
from rapportage.reach import reach_report, reach_rows
from rapportage.services import reach_snapshot_create

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
