"""Built reach rows are remembered under a digest of what they are built from: the next reader
of the same kept figures skips the totals and the suppression, and any change is rebuilt."""

from dataclasses import replace

import pytest

from familieschool.schoolyear import SchoolYear
from rapportage.reach import rows as rows_module
from rapportage.reach.definitions import PARENTS_REACHED, Figures, SchoolInfo

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    rows_module.REMEMBERED.clear()
    calls = []
    real = rows_module._build_rows

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(rows_module, "_build_rows", counted)
    yield calls
    rows_module.REMEMBERED.clear()


def figures(contacts: int, pupils: int = 200) -> Figures:
    schools = [
        SchoolInfo(id=1, name="De Schakel", board="PCOU", pupils=pupils, families=150),
        SchoolInfo(id=2, name="Spoorzicht", board="PCOU", pupils=180, families=107),
    ]
    return Figures(
        school_year=SchoolYear.parse("2024/2025"),
        schools=schools,
        categories={},
        values={(1, PARENTS_REACHED, ""): contacts, (2, PARENTS_REACHED, ""): 9},
    )


def value(rows, school):
    return next(row for row in rows if row.school == school and row.indicator == PARENTS_REACHED)


def test_the_same_figures_are_built_once(builds):
    first = rows_module.build_rows(figures(12), min_cell=5)
    again = rows_module.build_rows(figures(12), min_cell=5)
    assert again == first
    assert len(builds) == 1


def test_a_changed_figure_school_or_threshold_is_built_again(builds):
    rows_module.build_rows(figures(12), min_cell=5)
    changed = rows_module.build_rows(figures(3), min_cell=5)
    assert value(changed, "De Schakel").hidden  # 3 < 5, not the remembered 12
    rows_module.build_rows(figures(12, pupils=201), min_cell=5)
    unsuppressed = rows_module.build_rows(figures(3), min_cell=0)
    assert value(unsuppressed, "De Schakel").value == 3
    renamed = figures(12)
    renamed.schools = [replace(renamed.schools[0], name="De Schakel-Noord"), renamed.schools[1]]
    assert value(rows_module.build_rows(renamed, min_cell=5), "De Schakel-Noord").value == 12
    assert len(builds) == 5


def test_a_reader_changing_its_list_does_not_change_the_next_readers_rows(builds):
    first = rows_module.build_rows(figures(12), min_cell=5)
    first.clear()
    again = rows_module.build_rows(figures(12), min_cell=5)
    assert value(again, "De Schakel").value == 12
    assert len(builds) == 1


def test_the_process_keeps_the_most_recently_read_sets_only():
    remembered = rows_module.Remembered(size=2)
    remembered.put("a", ("rows a",))
    remembered.put("b", ("rows b",))
    assert remembered.get("a") == ("rows a",)  # read: "b" is now the oldest
    remembered.put("c", ("rows c",))
    assert remembered.get("b") is None
    assert remembered.get("a") == ("rows a",)
    assert remembered.get("c") == ("rows c",)
