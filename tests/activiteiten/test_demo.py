from activiteiten.constants import EXTENDED_SCHOOL_DAY, EnrolmentStatus
from activiteiten.demo import seed
from activiteiten.models import ActiveParentRole, Attendance, Enrolment, Session
from familieschool.demo import seed_core
from familieschool.models import Child, Family


def _figures(ctx, school, year):
    children = Child.objects.filter(family__school=school).count()
    families = Family.objects.filter(school=school).count()
    extended = (
        Enrolment.objects.filter(
            activity__school=school,
            activity__type__code=EXTENDED_SCHOOL_DAY,
            activity__valid_from__range=(year.start, year.end),
            status=EnrolmentStatus.ENROLLED,
        )
        .values("child")
        .distinct()
        .count()
    )
    active = (
        ActiveParentRole.objects.filter(parent__family__school=school, school_year=year.label)
        .values("parent__family")
        .distinct()
        .count()
    )
    coffee = Session.objects.filter(
        activity__school=school,
        activity__type__code="koffieochtend",
        date__range=(year.start, min(year.end, ctx.today)),
    )
    return extended / children, active / families, coffee


def test_the_demo_matches_seed_001_and_seeding_twice_changes_nothing(db):
    ctx = seed_core(families_per_school=40)

    seed(ctx)

    for school in ctx.schools:
        for year in (ctx.school_year.previous(), ctx.school_year):
            extended, active, coffee = _figures(ctx, school, year)
            assert 0.58 <= extended <= 0.67, (school, year, extended)
            assert 0.13 <= active <= 0.22, (school, year, active)
            assert Attendance.objects.filter(session__in=coffee).count() >= 5 * coffee.count()
        assert Attendance.objects.filter(session__activity__school=school, first_time=True).exists()
    assert Enrolment.objects.filter(status=EnrolmentStatus.WAITING).exists()
    before = (Session.objects.count(), Attendance.objects.count(), Enrolment.objects.count())

    seed(ctx)

    after = (Session.objects.count(), Attendance.objects.count(), Enrolment.objects.count())
    assert after == before


def test_each_named_module_runs_at_its_own_school(db):
    from activiteiten.models import Activity

    ctx = seed_core(families_per_school=40)

    seed(ctx)

    schools = lambda title: set(  # noqa: E731
        Activity.objects.filter(title=title).values_list("school__name", flat=True)
    )
    assert schools("WOW academie") == {"Joannes XXIII"}
    assert schools("Durf te dromen") == {"De Schakel"}
