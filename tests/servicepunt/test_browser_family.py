"""The family page in a real Chromium: add a child and record a boodschappenkaart, counted."""

import pytest

from familieschool.models import Child
from servicepunt.models import Provision
from tests.browser import TABLET
from tests.servicepunt.factories import default_provision_kinds
from tests.servicepunt.test_browser import Interactions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAX_INTERACTIONS = 6


class FormInteractions(Interactions):
    """Typing into a field and choosing an option count as one interaction each."""

    def fill(self, selector: str, text: str) -> None:
        self.log.append(f"fill {selector}")
        self.page.fill(selector, text)

    def select(self, selector: str, label: str) -> None:
        self.log.append(f"select {selector}")
        self.page.select_option(selector, label=label)


def test_a_child_and_a_boodschappenkaart_from_the_family_page_in_at_most_six(
    open_page, alice, family_a, parent_a
):
    default_provision_kinds()
    page = open_page(alice, **TABLET)
    page.goto(f"/servicepunt/gezinnen/{family_a.pk}/")
    user = FormInteractions(page)

    user.fill("#child_first_name", "Noor")
    user.select("#child_group", "Groep 3")
    with page.expect_navigation():
        user.click("text=Kind toevoegen")
    user.select("#provision_kind", "Boodschappenkaart")
    with page.expect_navigation():
        user.click("button:has-text('Vastleggen')")

    print(f"\nInteractions: {user.count} ({', '.join(user.log)})")
    assert user.count <= MAX_INTERACTIONS
    child = Child.objects.get(family=family_a)
    assert (child.first_name, child.current_group) == ("Noor", "g3")
    provision = Provision.objects.get(family=family_a)
    assert (provision.kind.code, provision.status, provision.created_by) == (
        "boodschappenkaart",
        "verstrekt",
        alice,
    )
    assert page.locator("#children").inner_text().startswith("Noor")
    assert page.locator("[data-kind=provision]").inner_text().count("Boodschappenkaart") == 1


def test_older_timeline_entries_are_one_click_away_and_back(
    open_page, alice, school_a, family_a, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from tests.servicepunt.factories import ContactFactory

    monkeypatch.setattr("familieschool.timeline.TIMELINE_PAGE", 3)
    contacts = [
        ContactFactory(
            school=school_a, family=family_a, occurred_at=timezone.now() - timedelta(days=day)
        )
        for day in range(5)
    ]
    page = open_page(alice, **TABLET)
    page.goto(f"/servicepunt/gezinnen/{family_a.pk}/")

    def shown():
        links = page.locator("#timeline [data-kind=contact] a")
        return [
            int(href.rstrip("/").split("/")[-1])
            for href in links.evaluate_all("links => links.map(link => link.getAttribute('href'))")
        ]

    assert shown() == [contact.pk for contact in contacts[:3]]
    with page.expect_navigation():
        page.click("text=Oudere items tonen")
    assert page.locator("h2").inner_text() == "Oudere items"
    assert shown() == [contact.pk for contact in contacts[3:]]
    assert page.locator("text=Oudere items tonen").count() == 0
    with page.expect_navigation():
        page.click("text=Terug naar de gezinspagina")
    assert shown() == [contact.pk for contact in contacts[:3]]
