import pytest
from django.db.models import Count

from familieschool.demo import seed_core
from servicepunt import demo
from servicepunt.constants import OPEN_REFERRAL_STATUSES
from servicepunt.models import Contact, Referral
from tests.servicepunt.factories import theme_link_schools

pytestmark = pytest.mark.django_db


def test_the_demo_reaches_fifty_parents_per_school_per_year_and_runs_once(themes):
    ctx = seed_core()
    demo.seed(ctx)
    contacts = Contact.objects.count()

    demo.seed(ctx)

    assert Contact.objects.count() == contacts
    for year in (ctx.school_year.previous(), ctx.school_year):
        reached = (
            Contact.objects.filter(
                occurred_at__date__gte=year.start, occurred_at__date__lte=year.end
            )
            .values("school")
            .annotate(parents=Count("parent", distinct=True))
        )
        assert len(reached) == len(ctx.schools)
        assert all(row["parents"] >= 50 for row in reached), year
    assert Contact.objects.filter(family=None).exists()
    multi = Contact.objects.annotate(n=Count("themes")).filter(n__gt=1)
    assert multi.exists()
    links = theme_link_schools()
    assert len({school for school, _ in links}) == len(ctx.schools)
    assert all(school == contact_school for school, contact_school in links)
    werkwinkel = Referral.objects.filter(partner__name="Werkwinkel")
    assert werkwinkel.filter(status__in=OPEN_REFERRAL_STATUSES).exists()
    assert len(set(Referral.objects.values_list("status", flat=True))) >= 5
    assert all(r.status_changes.exists() for r in werkwinkel[:20])


def test_the_demo_shows_fathers_aid_sources_and_a_partners_own_inloop(themes):
    from django.utils import timezone

    from familieschool.constants import ParentRelation, Role
    from familieschool.models import Parent, School, SchoolYearFigures
    from servicepunt.models import Provision

    ctx = seed_core()
    demo.seed(ctx)
    provisions = Provision.objects.count()

    demo.seed(ctx)

    assert Provision.objects.count() == provisions
    assert Parent.objects.filter(relation=ParentRelation.FATHER).exists()
    assert not Parent.objects.filter(relation="").exists()
    for school, kind, count in (
        ("OBO Spoorzicht", "boodschappentas", 23),
        ("OBO De Klopvaart", "boodschappentas", 45),
        ("Joannes XXIII", "boodschappenkaart", 60),
    ):
        assert (
            Provision.objects.filter(family__school__name=school, kind__code=kind).count() == count
        )
    assert Provision.objects.filter(referral__partner__name="Werkwinkel").exists()
    assert Contact.objects.filter(source__code="leerkracht").exists()
    partner = ctx.users[Role.PARTNER]
    today = Contact.objects.filter(created_by=partner, occurred_at__date=timezone.localdate())
    assert today.count() == 2
    assert all(c.answered_by_partner.name == "Werkwinkel" and c.is_anonymous for c in today)
    boards = dict(School.objects.values_list("name", "board__name"))
    assert boards["De Schakel"] == boards["Joannes XXIII"] != boards["OBO De Klopvaart"]
    assert boards["OBO De Klopvaart"] == boards["OBO Spoorzicht"]
    assert School.objects.get(servicepunt_name="Schakelloket").name == "De Schakel"
    years = SchoolYearFigures.objects.filter(school__name="De Schakel")
    assert years.count() == 2
    assert all(figures.pupils_in_groups(["g1", "g2", "g3"]) for figures in years)
