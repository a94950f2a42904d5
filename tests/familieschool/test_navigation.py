"""The navigation bar: each role's menu, reversed once per process, right on every page."""

import pytest
from django.test import RequestFactory
from django.urls import clear_script_prefix, get_script_prefix, reverse, set_script_prefix
from django.utils import translation

from familieschool.access import COORDINATOR, PARTNER, role_of
from familieschool.context_processors import _menus, navigation


def _request(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


@pytest.mark.parametrize("who", ["alice", "pam", "lisa", "adam"])
def test_each_role_sees_its_registered_menu_reversed(request, who):
    user = request.getfixturevalue(who)
    expected = [(str(label), reverse(name)) for label, name in _menus()[role_of(user)]]
    for _ in range(2):  # the second time from what the first one kept
        items = navigation(_request(user))["nav_items"]
        assert [(str(item["label"]), item["url"]) for item in items] == expected


def test_the_current_page_is_active_and_no_other(client, alice):
    client.force_login(alice)
    for name in ("servicepunt:walkin", "servicepunt:contact-list"):
        response = client.get(reverse(name))
        active = [item["url"] for item in response.context["nav_items"] if item["active"]]
        assert active == [reverse(name)]
        assert f'aria-current="page" href="{reverse(name)}"' in response.content.decode()


def test_the_menu_follows_the_script_prefix(alice):
    before = get_script_prefix()
    plain = [item["url"] for item in navigation(_request(alice))["nav_items"]]
    try:
        set_script_prefix("/portaal/")
        prefixed = [item["url"] for item in navigation(_request(alice))["nav_items"]]
    finally:
        clear_script_prefix()
        set_script_prefix(before)
    assert prefixed == ["/portaal" + url for url in plain]
    assert [item["url"] for item in navigation(_request(alice))["nav_items"]] == plain


def test_the_labels_are_translated_per_request_not_once(pam):
    assert role_of(pam) == PARTNER
    with translation.override("en"):
        english = [str(item["label"]) for item in navigation(_request(pam))["nav_items"]]
    with translation.override("nl"):
        dutch = [str(item["label"]) for item in navigation(_request(pam))["nav_items"]]
    assert english[0] == "Referrals"
    assert dutch[0] == "Doorverwijzingen"


def test_the_menu_is_one_role_s_not_the_first_user_s(alice, pam):
    coordinator = [item["url"] for item in navigation(_request(alice))["nav_items"]]
    partner = [item["url"] for item in navigation(_request(pam))["nav_items"]]
    assert reverse("servicepunt:import") in coordinator
    assert reverse("servicepunt:import") not in partner
    assert role_of(alice) == COORDINATOR
