from datetime import date

import factory
from factory.django import DjangoModelFactory

from familieschool.constants import ChildGroup, PartnerCategory, Role, SchoolType
from familieschool.models import (
    Child,
    Family,
    Parent,
    PartnerOrganisation,
    School,
    SchoolBoard,
    SchoolYearFigures,
    User,
)

PASSWORD = "correct horse battery staple"


class SchoolBoardFactory(DjangoModelFactory):
    class Meta:
        model = SchoolBoard
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Bestuur {n}")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")
    type = SchoolType.PO
    board = factory.SubFactory(SchoolBoardFactory)
    municipality = "Utrecht"
    district = "Overvecht"


class SchoolYearFiguresFactory(DjangoModelFactory):
    class Meta:
        model = SchoolYearFigures

    school = factory.SubFactory(SchoolFactory)
    school_year = "2024/2025"
    pupils = 200
    families = 140


class PartnerOrganisationFactory(DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Partner {n}")
    category = PartnerCategory.PARENTING_LIVELIHOOD


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    password = factory.django.Password(PASSWORD)
    role = Role.COORDINATOR

    @factory.post_generation
    def schools(self, create, extracted, **kwargs):
        if create and extracted:
            self.schools.set(extracted)


class FamilyFactory(DjangoModelFactory):
    class Meta:
        model = Family

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"G{n:04d}")


class ParentFactory(DjangoModelFactory):
    class Meta:
        model = Parent

    family = factory.SubFactory(FamilyFactory)
    # Made-up names that no page text contains, so "this name must not appear" tests can't
    # trip over a real name hidden in a word ("Tim" in "VTIMEZONE").
    first_name = factory.Sequence(lambda n: f"Oudervn{n:04d}")
    last_name = factory.Sequence(lambda n: f"Achternm{n:04d}")
    reminders_consent_on = factory.LazyAttribute(
        lambda o: date(2024, 9, 2) if o.reminders_opt_in else None
    )

    class Params:
        reminders_opt_in = False


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child

    family = factory.SubFactory(FamilyFactory)
    first_name = factory.Sequence(lambda n: f"Kindvn{n:04d}")
    group = ChildGroup.G5
