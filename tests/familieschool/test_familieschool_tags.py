"""The core template filters shared by the apps' pages."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, get_script_prefix, reverse, set_script_prefix
from django.utils import translation

from familieschool.templatetags.familieschool_tags import (
    choice_label,
    date_text,
    pk_url,
    time_text,
)
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


def _render(source: str, value) -> str:
    return Template("{% load familieschool_tags %}" + source).render(Context({"value": value}))


@pytest.mark.parametrize("language", ["nl", "en", "ar"])
@pytest.mark.parametrize("format_string", ["j F Y", "l j F Y", "j F", "D d-m-Y", "DATE_FORMAT"])
@pytest.mark.parametrize(
    "value",
    [
        date(2026, 11, 30),
        date(2027, 3, 1),
        datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC")),  # 1 January in Amsterdam
        None,
        "",
    ],
)
def test_date_text_is_what_the_date_filter_writes(language, format_string, value):
    with translation.override(language):
        expected = _render(f'{{{{ value|date:"{format_string}" }}}}', value)
        assert _render(f'{{{{ value|date_text:"{format_string}" }}}}', value) == expected
        # Asked again (remembered): still the text of this language.
        assert _render(f'{{{{ value|date_text:"{format_string}" }}}}', value) == expected


def test_date_text_follows_the_active_language():
    with translation.override("nl"):
        assert date_text(date(2026, 3, 2), "l j F") == "maandag 2 maart"
    with translation.override("en"):
        assert date_text(date(2026, 3, 2), "l j F") == "Monday 2 March"


@pytest.mark.parametrize("format_string", ["H:i", "G:i", "TIME_FORMAT"])
@pytest.mark.parametrize(
    "value", [time(9, 0), time(13, 45), datetime(2026, 12, 1, 8, 5, tzinfo=ZoneInfo("UTC")), None]
)
def test_time_text_is_what_the_time_filter_writes(format_string, value):
    expected = _render(f'{{{{ value|time:"{format_string}" }}}}', value)
    assert _render(f'{{{{ value|time_text:"{format_string}" }}}}', value) == expected
    assert time_text(time(9, 0), "H:i") == "09:00"
