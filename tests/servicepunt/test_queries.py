"""Every page runs the same number of queries with ten times the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from servicepunt.models import Contact
from tests.familieschool.factories import ChildFactory, FamilyFactory, ParentFactory
from tests.servicepunt.factories import ContactFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def grow(n, *, school, family, partner, themes):
    """n more families, contacts (half of them of ``family``) and referrals at ``school``."""
    yesterday = timezone.localdate() - timedelta(days=1)
    for i in range(n):
        other = FamilyFactory(school=school)
        parent = ParentFactory(family=other, first_name="Fatma")
        ChildFactory(family=other)
        ChildFactory(family=family)
        mine = i % 2 == 0
        contact = ContactFactory(
            school=school,
            family=family if mine else other,
            parent=None if mine else parent,
            themes=[themes["geldzaken"], themes["wonen"]],
        )
        ContactFactory(school=school, themes=[themes["werk"]])
        ReferralFactory(
            contact=contact,
            partner=partner,
            follow_up_on=yesterday if i % 3 == 0 else None,
            share_contact_details=bool(i % 2),
        )


def queries(client, url, method="get", data=None):
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, url
    return len(context)


@pytest.fixture
def setting(school_a, family_a, parent_a, partner_p, themes):
    return {"school": school_a, "family": family_a, "partner": partner_p, "themes": themes}


def coordinator_urls(family, theme):
    return [
        reverse("servicepunt:walkin"),
        reverse("servicepunt:contact-list"),
        reverse("servicepunt:contact-list") + f"?who=known&theme={theme.pk}",
        reverse("servicepunt:contact-list") + f"?family={family.code}&date_from=2020-01-01",
        reverse("servicepunt:family-detail", args=[family.pk]),
        reverse("servicepunt:referral-list"),
        reverse("servicepunt:referral-list") + "?status=all",
    ]


def test_coordinator_pages_run_a_constant_number_of_queries(alice_client, setting):
    grow(3, **setting)
    urls = coordinator_urls(setting["family"], setting["themes"]["wonen"])
    for url in urls:
        queries(alice_client, url)  # warm up once: sessions, content types
    small = [queries(alice_client, url) for url in urls]

    grow(27, **setting)
    large = [queries(alice_client, url) for url in urls]

    assert large == small


def test_detail_pages_run_a_constant_number_of_queries(alice_client, pam_client, setting):
    grow(1, **setting)
    contact = setting["family"].contacts.first()
    referral = contact.referrals.first()
    pages = [
        (alice_client, reverse("servicepunt:contact-detail", args=[contact.pk])),
        (alice_client, reverse("servicepunt:referral-detail", args=[referral.pk])),
        (alice_client, reverse("servicepunt:referral-create", args=[contact.pk])),
        (pam_client, reverse("servicepunt:partner-referral-detail", args=[referral.pk])),
    ]
    for client, url in pages:
        queries(client, url)
    small = [queries(client, url) for client, url in pages]

    grow(10, **setting)
    large = [queries(client, url) for client, url in pages]

    assert large == small


def test_the_partner_list_and_the_type_ahead_run_a_constant_number_of_queries(
    alice_client, pam_client, setting
):
    grow(3, **setting)
    partner_list = reverse("servicepunt:partner-referral-list")
    search = reverse("servicepunt:family-search")
    queries(pam_client, partner_list)
    small = (
        queries(pam_client, partner_list),
        queries(alice_client, search, "post", {"q": "Fat"}),
    )

    grow(27, **setting)
    large = (
        queries(pam_client, partner_list),
        queries(alice_client, search, "post", {"q": "Fat"}),
    )

    assert large == small


def test_the_contact_edit_page_runs_a_constant_number_of_queries(alice_client, setting):
    family = setting["family"]
    contact = ContactFactory(school=setting["school"], family=family)
    url = reverse("servicepunt:contact-update", args=[contact.pk])
    ChildFactory(family=family, first_name="")
    queries(alice_client, url)
    small = queries(alice_client, url)

    for _ in range(5):
        ChildFactory(family=family, first_name="")  # labelled with the family's code
    large = queries(alice_client, url)

    assert large == small


@pytest.mark.integration  # PostgreSQL's covering indexes: SQLite builds them without INCLUDE
def test_the_theme_filter_s_capped_count_can_read_indexes_only():
    """The count joins the school's contact ids with the theme's contact ids of her schools;
    both come from an index, not the tables (on the city-sized set 270 pages instead of
    13,000), also with "known family" (130 pages instead of 5,800)."""

    def indexes(table):
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        return [info["columns"] for info in constraints.values() if info["index"]]

    # With the family included, "known family" / "anonymous" is read from the index as well.
    assert ["school_id", "occurred_at", "id", "family_id"] in indexes("servicepunt_contact")
    assert ["theme_id", "school_id", "contact_id"] in indexes("servicepunt_contact_themes")


def test_the_theme_filter_counts_the_theme_s_links_of_her_schools_only(
    alice_client, setting, school_b
):
    """The count reads the theme's links of her schools (an index range per school), not the
    theme's links in the whole city; the page still walks her newest contacts and probes each
    for the theme."""
    grow(3, **setting)
    wonen = setting["themes"]["wonen"]
    ContactFactory(school=school_b, family=FamilyFactory(school=school_b), themes=[wonen])
    url = reverse("servicepunt:contact-list") + f"?who=known&theme={wonen.pk}"
    with CaptureQueriesContext(connection) as context:
        response = alice_client.get(url)

    count = [q["sql"] for q in context.captured_queries if q["sql"].startswith("SELECT COUNT")]
    assert len(count) == 1
    links = count[0].split('FROM "servicepunt_contact_themes"')[1]
    assert '"school_id" IN (SELECT' in links.split(")) AND")[0]
    paging = next(q["sql"] for q in context.captured_queries if "LIMIT 26" in q["sql"])
    assert "EXISTS" in paging
    assert '"servicepunt_contact_themes"."school_id"' not in paging
    expected = Contact.objects.filter(school=setting["school"], family__isnull=False, themes=wonen)
    assert response.context["page"].paginator.count == expected.count() == 3


def test_the_contact_list_pages_on_the_contact_table_alone(alice_client, setting):
    """The page's ids are sorted and cut on the contacts and their indexes; only the page's
    rows are joined with their school, family and parent (with the joins PostgreSQL walked
    the whole city's newest contacts to find a page of one theme)."""
    grow(3, **setting)
    url = reverse("servicepunt:contact-list") + f"?who=known&theme={setting['themes']['wonen'].pk}"
    with CaptureQueriesContext(connection) as context:
        response = alice_client.get(url)

    paging = [q["sql"] for q in context.captured_queries if "LIMIT 26" in q["sql"]]
    assert len(paging) == 1
    assert "JOIN" not in paging[0].split(" WHERE ")[0]
    assert 'ORDER BY "servicepunt_contact"."occurred_at" DESC' in paging[0]
    shown = [contact.pk for contact in response.context["page"]]
    expected = (
        Contact.objects.filter(
            school=setting["school"], family__isnull=False, themes=setting["themes"]["wonen"]
        )
        .order_by("-occurred_at", "-id")
        .values_list("pk", flat=True)
    )
    assert shown == list(expected)
    assert all(contact.school.name for contact in response.context["page"])


def test_the_referral_list_reads_only_the_page_s_rows_with_their_joins(alice_client, setting):
    grow(3, **setting)
    with CaptureQueriesContext(connection) as context:
        alice_client.get(reverse("servicepunt:referral-list") + "?status=all")

    sqls = [query["sql"] for query in context.captured_queries]
    rows = [sql for sql in sqls if '"servicepunt_referral"."id" IN (' in sql]
    assert len(rows) == 1
    assert "servicepunt_contact" not in rows[0]
    assert '"servicepunt_referral"."outcome_note"' not in rows[0]
