"""The core template filters shared by the apps' pages."""

import pytest
from django.urls import clear_script_prefix, get_script_prefix, reverse, set_script_prefix

from familieschool.templatetags.familieschool_tags import pk_url


@pytest.mark.parametrize(
    "viewname", ["servicepunt:partner-referral-detail", "partners:appointment-status"]
)
@pytest.mark.parametrize("pk", [1, 7, 2024, 99999999])
def test_pk_url_is_the_url_reverse_gives(viewname, pk):
    assert pk_url(pk, viewname) == reverse(viewname, args=[pk])


def test_pk_url_follows_the_script_prefix():
    before = get_script_prefix()
    try:
        set_script_prefix("/portaal/")
        assert pk_url(5, "partners:appointment-status") == "/portaal/partners/afspraak/5/status/"
        assert pk_url(5, "partners:appointment-status") == reverse(
            "partners:appointment-status", args=[5]
        )
    finally:
        clear_script_prefix()
        set_script_prefix(before)
