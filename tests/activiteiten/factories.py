import datetime

import factory
from factory.django import DjangoModelFactory

from activiteiten.constants import EnrolmentStatus, TargetGroup
from activiteiten.models import (
    ActiveParentRole,
    Activity,
    ActivityFunding,
    ActivityType,
    Attendance,
    Enrolment,
    FundingBudget,
    FundingSource,
    Session,
)
from familieschool.constants import Recurrence
from tests.familieschool.factories import ChildFactory, ParentFactory, SchoolFactory


def activity_type(code: str = "koffieochtend") -> ActivityType:
    """One of the seeded activity types (migration 0002)."""
    return ActivityType.objects.get(code=code)


def funding_source(name: str = "School en Omgeving") -> FundingSource:
    """A funding source by name: one of the seeded ones (migration 0002) or a new one."""
    return FundingSource.objects.get_or_create(name=name)[0]


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    school = factory.SubFactory(SchoolFactory)
    type = factory.LazyFunction(activity_type)
    title = factory.Sequence(lambda n: f"Koffieochtend {n}")
    target_group = TargetGroup.PARENTS
    weekday = 1  # Tuesday
    start_time = datetime.time(8, 45)
    end_time = datetime.time(10, 0)
    recurrence = Recurrence.WEEKLY
    valid_from = datetime.date(2024, 8, 1)
    location = "Ouderkamer"


class ChildrenProgrammeFactory(ActivityFactory):
    type = factory.LazyFunction(lambda: activity_type("verlengde_schooldag"))
    title = factory.Sequence(lambda n: f"WOW academie {n}")
    target_group = TargetGroup.CHILDREN
    signup_required = True
    capacity = 2
    weekday = 2
    start_time = datetime.time(14, 0)
    end_time = datetime.time(15, 30)


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    date = datetime.date(2024, 10, 1)


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    parent = factory.SubFactory(
        ParentFactory, family__school=factory.SelfAttribute("...session.activity.school")
    )


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    activity = factory.SubFactory(ChildrenProgrammeFactory)
    child = factory.SubFactory(
        ChildFactory, family__school=factory.SelfAttribute("...activity.school")
    )
    status = EnrolmentStatus.ENROLLED


class ActiveParentRoleFactory(DjangoModelFactory):
    class Meta:
        model = ActiveParentRole

    parent = factory.SubFactory(ParentFactory)
    school_year = "2024/2025"
    role = "klassenouder"


class ActivityFundingFactory(DjangoModelFactory):
    class Meta:
        model = ActivityFunding

    activity = factory.SubFactory(ActivityFactory)
    source = factory.LazyFunction(funding_source)


class FundingBudgetFactory(DjangoModelFactory):
    class Meta:
        model = FundingBudget

    school = factory.SubFactory(SchoolFactory)
    source = factory.LazyFunction(funding_source)
    school_year = "2024/2025"
    amount = 5000
