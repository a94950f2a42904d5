"""The core template filters shared by the apps' pages."""

import pytest
from django.urls import clear_script_prefix, get_script_prefix, reverse, set_script_prefix
from django.utils import translation

from familieschool.templatetags.familieschool_tags import choice_label, pk_url
from servicepunt.constants import Channel, ReferralStatus
from servicepunt.models import Contact, Referral


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


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("channel", Channel.values)
def test_choice_label_is_what_get_display_gives_in_the_active_language(language, channel):
    contact = Contact(channel=channel)
    with translation.override(language):
        assert str(choice_label(contact, "channel")) == contact.get_channel_display()


def test_choice_label_translates_to_dutch():
    with translation.override("nl"):
        assert str(choice_label(Referral(status=ReferralStatus.WITHDRAWN), "status")) == (
            "Ingetrokken"
        )


def test_choice_label_of_a_value_outside_the_choices_is_the_value():
    assert choice_label(Referral(status="onbekend"), "status") == "onbekend"
