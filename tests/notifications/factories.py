"""Records the scheduled jobs read: spreekuren, referrals, activities and their people."""

from datetime import date, time, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from activiteiten.constants import EnrolmentStatus
from activiteiten.models import Activity, ActivityType, Attendance, Enrolment, Session
from familieschool.constants import Recurrence
from partners.models import Appointment, Spreekuur, SpreekuurCancellation
from servicepunt.constants import ConsentMethod, ReferralStatus
from servicepunt.models import Contact, Referral, Theme
from tests.familieschool.factories import (
    FamilyFactory,
    PartnerOrganisationFactory,
    SchoolFactory,
)

# A Tuesday in term time without a public holiday.
DAY = date(2030, 3, 12)


class SpreekuurFactory(DjangoModelFactory):
    class Meta:
        model = Spreekuur
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerOrganisationFactory)
    school = factory.SubFactory(SchoolFactory)
    weekday = DAY.weekday()
    start_time = time(9, 0)
    end_time = time(11, 0)
    recurrence = Recurrence.WEEKLY
    valid_from = DAY - timedelta(days=70)
    room = "Ouderkamer"

    @factory.post_generation
    def staff(self, create, extracted, **kwargs):
        if create and extracted:
            self.staff.set(extracted)


class SpreekuurCancellationFactory(DjangoModelFactory):
    class Meta:
        model = SpreekuurCancellation

    spreekuur = factory.SubFactory(SpreekuurFactory)
    date = DAY
    reason = "Studiedag"


class AppointmentFactory(DjangoModelFactory):
    class Meta:
        model = Appointment

    spreekuur = factory.SubFactory(SpreekuurFactory)
    date = DAY
    start_time = factory.Sequence(lambda n: time(9, n % 60))
    family = factory.LazyAttribute(lambda o: FamilyFactory(school=o.spreekuur.school))


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["code"]

    code = "geldzaken"
    name = "Geldzaken en schulden"


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    school = factory.SubFactory(SchoolFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    note = ""


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    contact = factory.SubFactory(ContactFactory)
    school = factory.SelfAttribute("contact.school")
    family = factory.SelfAttribute("contact.family")
    partner = factory.SubFactory(PartnerOrganisationFactory)
    consent_given_by = "moeder"
    consent_method = ConsentMethod.VERBAL
    consent_date = factory.LazyFunction(timezone.localdate)
    status = ReferralStatus.REGISTERED


class ActivityTypeFactory(DjangoModelFactory):
    class Meta:
        model = ActivityType
        django_get_or_create = ["code"]

    code = "koffieochtend"
    name = "Koffieochtend"


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    school = factory.SubFactory(SchoolFactory)
    type = factory.SubFactory(ActivityTypeFactory)
    title = "Koffieochtend"
    weekday = DAY.weekday()
    start_time = time(8, 30)
    end_time = time(10, 0)
    recurrence = Recurrence.WEEKLY
    valid_from = DAY - timedelta(days=70)
    location = "Ouderkamer"


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    date = DAY - timedelta(days=7)


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    activity = factory.SubFactory(ActivityFactory)
    status = EnrolmentStatus.ENROLLED
