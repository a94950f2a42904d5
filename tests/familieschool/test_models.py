from datetime import date

import pytest
from django.utils import timezone

from familieschool.constants import ChildGroup
from familieschool.models import Child
from familieschool.schoolyear import SchoolYear
from tests.familieschool.factories import ChildFactory, ParentFactory, SchoolYearFiguresFactory

pytestmark = pytest.mark.django_db


def _today_is(monkeypatch, day: date):
    monkeypatch.setattr(timezone, "localdate", lambda *args: day)


def test_a_childs_groep_moves_up_on_1_august_by_itself(monkeypatch, family_a):
    _today_is(monkeypatch, date(2025, 3, 10))
    child = ChildFactory(family=family_a, group=ChildGroup.G5)
    assert child.group_year == 2024

    _today_is(monkeypatch, date(2025, 7, 31))
    assert Child.objects.get(pk=child.pk).current_group == ChildGroup.G5
    assert list(Child.objects.in_groups([ChildGroup.G5])) == [child]

    _today_is(monkeypatch, date(2025, 8, 1))
    assert Child.objects.get(pk=child.pk).current_group == ChildGroup.G6
    assert Child.objects.get(pk=child.pk).get_current_group_display() == "Groep 6"
    assert list(Child.objects.in_groups([ChildGroup.G5])) == []
    assert list(Child.objects.in_groups([ChildGroup.G6])) == [child]


def test_a_child_past_groep_8_has_left_and_before_groep_1_was_not_there(family_a):
    child = ChildFactory(family=family_a, group=ChildGroup.G8, group_year=2024)

    assert child.group_in(SchoolYear(2025)) == ChildGroup.OTHER
    assert child.group_in(SchoolYear(2017)) == ChildGroup.G1
    assert child.group_in(SchoolYear(2016)) == ""
    assert list(Child.objects.in_groups([ChildGroup.OTHER], SchoolYear(2025))) == [child]
    assert list(Child.objects.in_groups([ChildGroup.G8], SchoolYear(2025))) == []


def test_the_groep_query_agrees_with_the_groep_of_each_child(family_a):
    children = [
        ChildFactory(family=family_a, group=group, group_year=year)
        for group in ChildGroup.values
        for year in (2021, 2023, 2024)
    ]
    year = SchoolYear(2024)

    for group in ChildGroup.values:
        expected = {child.pk for child in children if child.group_in(year) == group}
        found = set(Child.objects.in_groups([group], year).values_list("pk", flat=True))
        assert found == expected, group


def test_reminder_consent_is_the_date_it_was_given(family_a):
    assert not ParentFactory(family=family_a).reminders_opt_in
    parent = ParentFactory(family=family_a, reminders_consent_on=date(2025, 9, 1))
    assert parent.reminders_opt_in


def test_pupils_of_some_groepen_are_counted_only_when_all_are_known(school_a):
    figures = SchoolYearFiguresFactory(
        school=school_a, pupils_group_1_2=40, pupils_group_5=20, pupils_group_6=None
    )

    assert figures.pupils_in_groups([ChildGroup.G1, ChildGroup.G2, ChildGroup.G5]) == 60
    assert figures.pupils_in_groups([ChildGroup.G5, ChildGroup.G6]) is None
