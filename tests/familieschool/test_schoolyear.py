from datetime import date

import pytest

from familieschool.schoolyear import SchoolYear


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2024, 7, 31), "2023/2024"),
        (date(2024, 8, 1), "2024/2025"),
        (date(2025, 1, 15), "2024/2025"),
        (date(2025, 7, 31), "2024/2025"),
    ],
)
def test_a_school_year_runs_from_august_to_july(day, label):
    assert SchoolYear.of(day).label == label


def test_it_parses_labels_and_knows_its_bounds():
    year = SchoolYear.parse("2024/2025")
    assert (year.start, year.end) == (date(2024, 8, 1), date(2025, 7, 31))
    assert year.previous().label == "2023/2024"
    assert date(2025, 7, 31) in year
    assert date(2025, 8, 1) not in year


@pytest.mark.parametrize("label", ["2024-2025", "2024/2026", "", "24/25"])
def test_it_refuses_malformed_labels(label):
    with pytest.raises(ValueError):
        SchoolYear.parse(label)
