from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from familieschool.calendar import closed_days_by_school
from familieschool.constants import HolidayRegion
from tests.familieschool.factories import SchoolFactory
from tests.partners.factories import SchoolHolidayFactory

pytestmark = pytest.mark.django_db

CORE = ("familieschool", "0011_school_holiday")
START, END = date(2026, 12, 1), date(2027, 1, 10)


def test_each_school_is_closed_on_its_regions_holidays_in_one_query():
    middle = [SchoolFactory(holiday_region=HolidayRegion.MIDDLE) for _ in range(3)]
    south = SchoolFactory(holiday_region=HolidayRegion.SOUTH)
    SchoolHolidayFactory(
        region=HolidayRegion.MIDDLE, start=date(2026, 12, 19), end=date(2027, 1, 3)
    )
    SchoolHolidayFactory(
        region=HolidayRegion.SOUTH, start=date(2026, 12, 12), end=date(2026, 12, 18)
    )

    with CaptureQueriesContext(connection) as queries:
        closed = closed_days_by_school([*middle, south], START, END)

    assert len(queries) == 1
    assert all(date(2026, 12, 21) in closed[school.pk] for school in middle)
    assert date(2026, 12, 21) not in closed[south.pk]
    assert date(2026, 12, 14) in closed[south.pk]
    assert date(2026, 12, 25) in closed[south.pk]  # a public holiday closes every school


def _migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


# serialized_rollback: the flush after this test must leave the migrations' rows for the next.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_holidays_entered_under_partners_stay_when_the_model_moves_to_the_core():
    in_partners = ("partners", "0002_appointment_booker_may_be_gone")
    in_core = [("partners", "0003_school_holidays_move_to_the_core"), CORE]
    apps = _migrate(in_partners, ("familieschool", "0010_audit_merge"))
    try:
        apps.get_model("partners", "SchoolHoliday").objects.create(
            region="midden", name="Kerstvakantie", start=date(2026, 12, 19), end=date(2027, 1, 3)
        )
        apps = _migrate(*in_core)
        [holiday] = apps.get_model("familieschool", "SchoolHoliday").objects.all()
        assert (holiday.name, holiday.end) == ("Kerstvakantie", date(2027, 1, 3))

        apps = _migrate(in_partners, ("familieschool", "0010_audit_merge"))
        assert apps.get_model("partners", "SchoolHoliday").objects.get().name == "Kerstvakantie"
    finally:
        # Back to the latest migrations, not only to CORE: later ones add columns.
        executor = MigrationExecutor(connection)
        _migrate(*executor.loader.graph.leaf_nodes())
