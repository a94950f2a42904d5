"""The withdrawal migration keeps every withdrawal, in both directions; the contact-theme
links get their contact's school."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("servicepunt", "0007_seed_contact_sources_and_provision_kinds")
AFTER = ("servicepunt", "0008_withdrawal_is_the_status")
WITHDRAWN_AT = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


# serialized_rollback: the flush after this test must leave the migrations' rows for the next.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_withdrawal_recorded_only_as_a_timestamp_becomes_the_status_and_back():
    apps = _migrate(BEFORE)
    try:
        board = apps.get_model("familieschool", "SchoolBoard").objects.create(name="B")
        school = apps.get_model("familieschool", "School").objects.create(
            name="S", slug="s", type="po", board=board, municipality="Utrecht"
        )
        partner = apps.get_model("familieschool", "PartnerOrganisation").objects.create(
            name="P", category="overig"
        )
        contact = apps.get_model("servicepunt", "Contact").objects.create(school=school)
        Referral = apps.get_model("servicepunt", "Referral")
        common = {
            "contact": contact,
            "school": school,
            "partner": partner,
            "consent_given_by": "moeder",
            "consent_method": "verbal",
            "consent_date": WITHDRAWN_AT.date(),
        }
        only_timestamp = Referral.objects.create(
            **common, status="aangemeld", consent_withdrawn_at=WITHDRAWN_AT
        )
        standing = Referral.objects.create(**common, status="aangemeld")

        apps = _migrate(AFTER)
        Referral = apps.get_model("servicepunt", "Referral")
        withdrawn = Referral.objects.get(pk=only_timestamp.pk)
        assert (withdrawn.status, withdrawn.status_changed_at) == ("ingetrokken", WITHDRAWN_AT)
        assert Referral.objects.get(pk=standing.pk).status == "aangemeld"

        apps = _migrate(BEFORE)
        Referral = apps.get_model("servicepunt", "Referral")
        assert Referral.objects.get(pk=only_timestamp.pk).consent_withdrawn_at == WITHDRAWN_AT
        assert Referral.objects.get(pk=standing.pk).consent_withdrawn_at is None
    finally:
        _migrate(AFTER)


THEMES_BEFORE = ("servicepunt", "0012_partner_week_open_referrals_index")
THEMES_AFTER = ("servicepunt", "0014_vacuum_contact_themes")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_contact_theme_links_get_their_contact_s_school_and_lose_it_going_back():
    apps = _migrate(THEMES_BEFORE)
    try:
        board = apps.get_model("familieschool", "SchoolBoard").objects.create(name="B")
        School = apps.get_model("familieschool", "School")
        one, two = (
            School.objects.create(
                name=name, slug=name, type="po", board=board, municipality="Utrecht"
            )
            for name in ("een", "twee")
        )
        Theme = apps.get_model("servicepunt", "Theme")
        theme = Theme.objects.create(code="t", name="T", sort_order=99)
        Contact = apps.get_model("servicepunt", "Contact")
        first, second = Contact.objects.create(school=one), Contact.objects.create(school=two)
        first.themes.add(theme)
        second.themes.add(theme)

        apps = _migrate(THEMES_AFTER)
        links = apps.get_model("servicepunt", "ContactTheme").objects.order_by("contact_id")
        assert list(links.values_list("contact_id", "theme_id", "school_id")) == [
            (first.pk, theme.pk, one.pk),
            (second.pk, theme.pk, two.pk),
        ]

        apps = _migrate(THEMES_BEFORE)
        Contact = apps.get_model("servicepunt", "Contact")
        themes = Contact.objects.get(pk=second.pk).themes.values_list("pk", flat=True)
        assert list(themes) == [theme.pk]
    finally:
        _migrate(THEMES_AFTER)
