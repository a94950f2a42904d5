import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from servicepunt.constants import (
    DEFAULT_CONTACT_SOURCES,
    DEFAULT_PROVISION_KINDS,
    DEFAULT_THEMES,
    Channel,
    ConsentMethod,
    Outcome,
    ProvisionStatus,
    ReferralStatus,
)
from servicepunt.models import (
    Contact,
    ContactSource,
    ContactTheme,
    Provision,
    ProvisionKind,
    Referral,
    ReferralStatusChange,
    Theme,
)
from servicepunt.services import contact_themes_set
from tests.familieschool.factories import FamilyFactory, PartnerOrganisationFactory, SchoolFactory


def theme_link_schools() -> list[tuple[int, int]]:
    """(the link's school, its contact's school) of every contact-theme link."""
    return list(ContactTheme.objects.values_list("school_id", "contact__school_id"))


def default_themes() -> dict[str, Theme]:
    """The seeded themes by code; recreated when a transactional test flushed them."""
    themes = {}
    for order, (code, name) in enumerate(DEFAULT_THEMES, start=1):
        themes[code], _ = Theme.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
    return themes


def default_contact_sources() -> dict[str, ContactSource]:
    """The seeded sources ("aangemeld door") by code; recreated after a flush."""
    return {
        code: ContactSource.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )[0]
        for order, (code, name) in enumerate(DEFAULT_CONTACT_SOURCES, start=1)
    }


def default_provision_kinds() -> dict[str, ProvisionKind]:
    """The seeded kinds of provisions by code; recreated after a flush."""
    return {
        code: ProvisionKind.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )[0]
        for order, (code, name) in enumerate(DEFAULT_PROVISION_KINDS, start=1)
    }


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"thema-{n}")
    name = factory.Sequence(lambda n: f"Thema {n}")
    sort_order = 100


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    channel = Channel.WALK_IN
    outcome = Outcome.ANSWERED
    note = ""

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if not create:
            return
        contact_themes_set(
            contact=self, themes=extracted if extracted else [default_themes()["geldzaken"]]
        )


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral
        skip_postgeneration_save = True

    contact = factory.SubFactory(ContactFactory)
    school = factory.LazyAttribute(lambda o: o.contact.school)
    family = factory.LazyAttribute(lambda o: o.contact.family)
    parent = factory.LazyAttribute(lambda o: o.contact.parent)
    partner = factory.SubFactory(PartnerOrganisationFactory)
    consent_given_by = "moeder"
    consent_method = ConsentMethod.VERBAL
    consent_date = factory.LazyFunction(timezone.localdate)
    status = ReferralStatus.REGISTERED

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if not create:
            return
        self.themes.set(extracted if extracted else list(self.contact.themes.all()))

    @factory.post_generation
    def status_history(self, create, extracted, **kwargs):
        """The first row of the status history; ``status_history=False`` leaves it empty."""
        if create and extracted is not False:
            ReferralStatusChange.objects.create(referral=self, status=self.status)


class ProvisionFactory(DjangoModelFactory):
    class Meta:
        model = Provision

    family = factory.SubFactory(FamilyFactory)
    kind = factory.LazyFunction(lambda: default_provision_kinds()["boodschappenkaart"])
    status = ProvisionStatus.PROVIDED
    occurred_on = factory.LazyFunction(timezone.localdate)
