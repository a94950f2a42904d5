"""Factories for the records the reach figures count; the themes and activity types are the
ones the migrations seed (looked up by code)."""

from datetime import date, datetime, time

import factory
from factory.django import DjangoModelFactory

from activiteiten.models import (
    ActiveParentRole,
    Activity,
    ActivityType,
    Attendance,
    Enrolment,
    Session,
)
from partners.models import Appointment, Spreekuur
from servicepunt.models import Contact, Referral, Theme
from tests.familieschool.factories import (
    FamilyFactory,
    PartnerOrganisationFactory,
    SchoolFactory,
)


def theme(code: str) -> Theme:
    return Theme.objects.get(code=code)


def activity_type(code: str) -> ActivityType:
    return ActivityType.objects.get(code=code)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    occurred_at = factory.LazyFunction(lambda: datetime(2024, 10, 1, 10, 0))

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            self.themes.set([theme(code) for code in (extracted or ["overig"])])


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    contact = factory.SubFactory(ContactFactory)
    school = factory.SelfAttribute("contact.school")
    family = factory.SelfAttribute("contact.family")
    parent = factory.SelfAttribute("contact.parent")
    partner = factory.SubFactory(PartnerOrganisationFactory)
    consent_given_by = "ouder"
    consent_method = "verbal"
    consent_date = date(2024, 10, 1)
    status = "aangemeld"


class SpreekuurFactory(DjangoModelFactory):
    class Meta:
        model = Spreekuur

    partner = factory.SubFactory(PartnerOrganisationFactory)
    school = factory.SubFactory(SchoolFactory)
    weekday = 0
    start_time = time(9, 0)
    end_time = time(12, 0)
    valid_from = date(2020, 8, 1)


class AppointmentFactory(DjangoModelFactory):
    class Meta:
        model = Appointment

    spreekuur = factory.SubFactory(SpreekuurFactory)
    date = date(2024, 10, 7)
    start_time = factory.Sequence(lambda n: time(9 + (n // 4) % 8, (n % 4) * 15))
    status = "verschenen"


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    school = factory.SubFactory(SchoolFactory)
    type = factory.LazyFunction(lambda: activity_type("koffieochtend"))
    title = factory.Sequence(lambda n: f"Activiteit {n}")
    weekday = 1
    start_time = time(8, 30)
    end_time = time(10, 0)
    valid_from = date(2020, 8, 1)


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    date = date(2024, 11, 5)


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    activity = factory.SubFactory(ActivityFactory)
    status = "enrolled"


class ActiveParentRoleFactory(DjangoModelFactory):
    class Meta:
        model = ActiveParentRole

    school_year = "2024/2025"
    role = "klassenouder"


__all__ = [
    "ActiveParentRoleFactory",
    "ActivityFactory",
    "AppointmentFactory",
    "AttendanceFactory",
    "ContactFactory",
    "EnrolmentFactory",
    "FamilyFactory",
    "ReferralFactory",
    "SessionFactory",
    "SpreekuurFactory",
]
