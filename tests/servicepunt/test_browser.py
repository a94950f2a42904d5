"""The walk-in screen in a real Chromium: an anonymous question in at most five interactions."""

import pytest

from servicepunt.models import Contact
from tests.browser import TABLET

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAX_INTERACTIONS = 5


class Interactions:
    """Every click and key press of the test goes through here and is counted."""

    def __init__(self, page):
        self.page = page
        self.log: list[str] = []

    @property
    def count(self) -> int:
        return len(self.log)

    def press(self, key: str) -> None:
        self.log.append(f"press {key}")
        self.page.keyboard.press(key)

    def click(self, selector: str) -> None:
        self.log.append(f"click {selector}")
        self.page.click(selector)


def walkin_page(open_page, user):
    page = open_page(user, **TABLET)
    page.goto("/servicepunt/")
    return page


def test_an_anonymous_question_is_saved_in_at_most_five_interactions(
    open_page, alice, school_a, themes
):
    page = walkin_page(open_page, alice)
    user = Interactions(page)
    assert page.evaluate("document.activeElement.value") == str(themes["geldzaken"].pk)

    user.press("Space")
    with page.expect_navigation():
        user.press("Enter")

    print(f"\nInteractions: {user.count} ({', '.join(user.log)})")
    assert user.count <= MAX_INTERACTIONS
    contact = Contact.objects.get()
    assert contact.is_anonymous
    assert contact.school == school_a
    assert contact.created_by == alice
    assert [theme.code for theme in contact.themes.all()] == ["geldzaken"]
    assert page.locator(".alert-success").is_visible()
    assert page.locator("#today-contacts tbody tr").count() == 1
    # Ready for the next parent: a fresh form with the focus on the first theme again.
    assert page.evaluate("document.activeElement.name") == "themes"
    assert page.locator("input[name=themes]:checked").count() == 0


def test_a_tablet_user_taps_two_themes_and_save(open_page, alice, school_a, themes):
    page = walkin_page(open_page, alice)
    user = Interactions(page)

    user.click("label[for=id_themes_0]")
    user.click("label[for=id_themes_1]")
    with page.expect_navigation():
        user.click("#walkin-save")

    assert user.count <= MAX_INTERACTIONS
    contact = Contact.objects.get()
    assert {theme.code for theme in contact.themes.all()} == {"geldzaken", "toeslagen"}


def test_a_known_family_is_found_by_typing_part_of_a_name(
    open_page, alice, family_a, parent_a, themes
):
    page = walkin_page(open_page, alice)
    user = Interactions(page)

    user.press("Space")
    user.click("label[for=id_who_1]")
    page.focus("#id_family_term")
    page.keyboard.type("fati")  # typing is not counted as interactions
    page.wait_for_selector("#family-results [role=option]")
    user.press("Enter")
    assert page.input_value("#id_family") == str(family_a.pk)
    assert page.input_value("#id_parent") == str(parent_a.pk)
    with page.expect_navigation():
        user.press("Control+Enter")

    contact = Contact.objects.get()
    assert (contact.family, contact.parent) == (family_a, parent_a)
    assert user.count <= MAX_INTERACTIONS
