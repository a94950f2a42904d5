from datetime import timedelta

from familieschool.constants import Role
from familieschool.demo import seed_core
from familieschool.models import SchoolHoliday
from partners import demo
from partners.models import Appointment, Spreekuur, SpreekuurCancellation
from partners.selectors import partner_week
from partners.weeks import monday_of


def test_the_demo_gives_the_werkwinkel_three_schools_and_runs_only_once(db):
    ctx = seed_core(families_per_school=3)
    demo.seed(ctx)
    counts = (
        Spreekuur.objects.count(),
        SchoolHoliday.objects.count(),
        SpreekuurCancellation.objects.count(),
        Appointment.objects.count(),
    )
    assert counts[0] == len(demo.SPREEKUREN)
    assert counts[1] == 5 and counts[2] == 1 and counts[3] > 0
    assert {s.partner.name for s in Spreekuur.objects.all()} == set(ctx.partners)
    assert {s.school for s in Spreekuur.objects.all()} == set(ctx.schools)

    partner = ctx.users[Role.PARTNER]
    # Five weeks into the school year there is no holiday: the partner's week has 3 schools.
    monday = monday_of(ctx.school_year.start) + timedelta(weeks=5)
    schools = {
        o.spreekuur.school for d in partner_week(user=partner, monday=monday) for o in d.occurrences
    }
    assert len(schools) == 3
    assert Spreekuur.objects.filter(staff=partner).count() == 3

    demo.seed(ctx)
    assert (
        Spreekuur.objects.count(),
        SchoolHoliday.objects.count(),
        SpreekuurCancellation.objects.count(),
        Appointment.objects.count(),
    ) == counts


def test_the_demo_holidays_fall_in_their_school_year():
    for start_year in (2024, 2025, 2026, 2027):
        for name, first, last in demo.holidays_of(start_year):
            assert first.weekday() == 5, name  # a Saturday
            assert last.weekday() == 6, name  # a Sunday
            assert f"{start_year}-08-01" <= first.isoformat() <= f"{start_year + 1}-08-31"
