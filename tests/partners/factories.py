from datetime import date, time

import factory
from factory.django import DjangoModelFactory

from familieschool.constants import HolidayRegion, Recurrence, Weekday
from familieschool.models import SchoolHoliday
from partners.constants import AppointmentStatus
from partners.models import Appointment, Spreekuur, SpreekuurCancellation
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


class AppointmentFactory(DjangoModelFactory):
    class Meta:
        model = Appointment

    spreekuur = factory.SubFactory(SpreekuurFactory)
    date = date(2026, 11, 30)
    start_time = time(9, 0)
    status = AppointmentStatus.PLANNED
