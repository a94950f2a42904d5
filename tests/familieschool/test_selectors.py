import pytest

from familieschool.selectors import family_code_suggest
from tests.familieschool.factories import FamilyFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_the_first_family_of_a_school_gets_number_one(school_a):
    assert family_code_suggest(school=school_a) == "DS001"


def test_the_suggestion_follows_the_highest_number_of_the_schools_prefix(school_a, school_b):
    for code in ["DS007", "ds012", "DS3", "DSX99", "X500"]:
        FamilyFactory(school=school_a, code=code)
    FamilyFactory(school=school_b, code="DS900")

    assert family_code_suggest(school=school_a) == "DS013"


def test_a_school_without_capitals_takes_its_slug():
    school = SchoolFactory(name="basisschool de boog", slug="de-boog")
    assert family_code_suggest(school=school) == "DE001"
