"""The partner's figures in a real Chromium: the period is changed through the rendered form."""

from datetime import date

import pytest

from familieschool.constants import Role
from tests.familieschool.factories import FamilyFactory, ParentFactory, UserFactory
from tests.partners.factories import AppointmentFactory, SpreekuurFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def lena(partner_p):
    return UserFactory(
        username="lena", role=Role.PARTNER, organisation=partner_p, is_organisation_lead=True
    )


def test_the_lead_changes_the_period_through_the_form(
    open_page, lena, school_a, partner_p, settings
):
    settings.MIN_CELL_COUNT = 0
    spreekuur = SpreekuurFactory(school=school_a, partner=partner_p)
    # One appointment kept in school year 2024/2025 (calendar year 2025), one in 2025/2026.
    for day in (date(2025, 7, 31), date(2025, 8, 1)):
        family = FamilyFactory(school=school_a)
        AppointmentFactory(
            spreekuur=spreekuur,
            date=day,
            family=family,
            parent=ParentFactory(family=family),
            status="verschenen",
        )
    page = open_page(lena, viewport={"width": 1280, "height": 900})
    page.goto("/")
    page.get_by_role("link", name="Cijfers").click()

    page.get_by_role("combobox", name="Schooljaar").select_option("2024/2025")
    page.get_by_role("button", name="Toon").click()
    kept = page.locator("#partner-figures tbody tr").first.locator(
        "td[data-code=afspraken_verschenen]"
    )
    assert page.locator("#partner-figures caption").inner_text().endswith("2024/2025")
    assert kept.inner_text() == "1"

    page.get_by_role("radio", name="Kalenderjaar").check()
    page.get_by_role("combobox", name="Kalenderjaar").select_option("2025")
    page.get_by_role("button", name="Toon").click()
    assert page.locator("#partner-figures caption").inner_text().endswith("2025")
    assert kept.inner_text() == "2"
    assert "periode=kalenderjaar" in page.url

    page.get_by_role("radio", name="Van datum tot datum").check()
    page.get_by_label("Vanaf", exact=True).fill("2025-08-01")
    page.get_by_label("Tot en met").fill("2025-07-01")
    page.get_by_role("button", name="Toon").click()
    assert page.locator("#id_tot_error").is_visible()
    assert page.locator("#partner-figures").count() == 0
