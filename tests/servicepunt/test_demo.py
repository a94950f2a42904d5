import pytest
from django.db.models import Count

from familieschool.demo import seed_core
from servicepunt import demo
from servicepunt.constants import OPEN_REFERRAL_STATUSES
from servicepunt.models import Contact, Referral

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
    werkwinkel = Referral.objects.filter(partner__name="Werkwinkel")
    assert werkwinkel.filter(status__in=OPEN_REFERRAL_STATUSES).exists()
    assert len(set(Referral.objects.values_list("status", flat=True))) >= 5
    assert all(r.status_changes.exists() for r in werkwinkel[:20])
