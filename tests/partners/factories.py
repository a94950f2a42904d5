from datetime import date, time

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from familieschool.constants import HolidayRegion, Recurrence, Weekday
from partners.constants import AppointmentStatus
from partners.models import Appointment, SchoolHoliday, Spreekuur, SpreekuurCancellation
from servicepunt.constants import ConsentMethod, ReferralStatus
from servicepunt.models import Contact, Referral, Theme
from tests.familieschool.factories import PartnerOrganisationFactory, SchoolFactory


class SpreekuurFactory(DjangoModelFactory):
    class Meta:
        model = Spreekuur
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerOrganisationFactory)
    school = factory.SubFactory(SchoolFactory)
    weekday = Weekday.MONDAY
    start_time = time(9, 0)
    end_time = time(10, 0)
    recurrence = Recurrence.WEEKLY
    valid_from = date(2024, 8, 1)
    room = "Ouderkamer"
    slot_minutes = 20

    @factory.post_generation
    def staff(self, create, extracted, **kwargs):
        if create and extracted:
            self.staff.set(extracted)


class SpreekuurCancellationFactory(DjangoModelFactory):
    class Meta:
        model = SpreekuurCancellation

    spreekuur = factory.SubFactory(SpreekuurFactory)
    date = date(2026, 11, 30)
    reason = "Studiedag"


class SchoolHolidayFactory(DjangoModelFactory):
    class Meta:
        model = SchoolHoliday

    region = HolidayRegion.MIDDLE
    name = "Kerstvakantie"
    start = date(2026, 12, 19)
    end = date(2027, 1, 3)


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"thema{n}")
    name = factory.Sequence(lambda n: f"Thema {n}")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    occurred_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            self.themes.set(extracted or [ThemeFactory(code="geldzaken", name="Geldzaken")])


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral
        skip_postgeneration_save = True

    contact = factory.SubFactory(
        ContactFactory,
        school=factory.SelfAttribute("..school"),
        family=factory.SelfAttribute("..family"),
        parent=factory.SelfAttribute("..parent"),
    )
    school = factory.SubFactory(SchoolFactory)
    family = None
    parent = None
    partner = factory.SubFactory(PartnerOrganisationFactory)
    consent_given_by = "moeder"
    consent_method = ConsentMethod.VERBAL
    consent_date = factory.LazyFunction(timezone.localdate)
    status = ReferralStatus.REGISTERED

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            self.themes.set(extracted or [ThemeFactory(code="werk", name="Werk en inkomen")])


class AppointmentFactory(DjangoModelFactory):
    class Meta:
        model = Appointment

    spreekuur = factory.SubFactory(SpreekuurFactory)
    date = date(2026, 11, 30)
    start_time = time(9, 0)
    status = AppointmentStatus.PLANNED
