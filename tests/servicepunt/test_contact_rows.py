"""The contact list's rows, written in Python, are the rows its template loop wrote."""

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from servicepunt.constants import Channel, Outcome
from servicepunt.templatetags.servicepunt_tags import contact_rows
from tests.familieschool.factories import FamilyFactory, ParentFactory
from tests.servicepunt.factories import ContactFactory

pytestmark = pytest.mark.django_db

# The loop of templates/servicepunt/contact_list.html before ``contact_rows`` took its place.
ROWS_AS_THE_TEMPLATE_WROTE_THEM = Template(
    """{% load i18n familieschool_tags %}{% for contact in page %}
  <tr>
    <td>{{ contact.occurred_at|date:"d-m-Y H:i" }}</td>
    <td>{{ contact.school.name }}</td>
    <td>{% if contact.family %}<a href="{{ contact.family_id|pk_url:'servicepunt:family-detail' }}">{{ contact.family.code }}</a>{% if contact.parent %} · {{ contact.parent.first_name }}{% endif %}{% else %}<span class="text-body-secondary">{% translate "Anonymous" %}</span>{% endif %}</td>
    <td>{% for theme in contact.theme_list %}<span class="badge rounded-pill text-bg-light border">{{ theme.name }}</span> {% endfor %}</td>
    <td>{{ contact|choice_label:"channel" }}</td>
    <td>{{ contact|choice_label:"outcome" }}{% if contact.follow_up_on %} ({{ contact.follow_up_on|date:"d-m-Y" }}){% endif %}</td>
    <td><a href="{{ contact.pk|pk_url:'servicepunt:contact-detail' }}">{% translate "Details" %}</a></td>
  </tr>
  {% endfor %}"""  # noqa: E501
)


def test_each_kind_of_row_is_written_as_the_template_wrote_it(alice_client, school_a, themes):
    school_a.name = 'De Schakel & "Co" <1>'
    school_a.save()
    family = FamilyFactory(school=school_a, code="A&<1>")
    at = timezone.make_aware(datetime(2026, 3, 29, 1, 30))  # the night summer time starts
    ContactFactory(school=school_a, themes=[themes["wonen"], themes["geldzaken"]], occurred_at=at)
    ContactFactory(
        school=school_a,
        family=family,
        parent=ParentFactory(family=family, first_name="Fa<t>ma & Co"),
        channel=Channel.PHONE,
        occurred_at=at.replace(hour=23, minute=59),
    )
    ContactFactory(
        school=school_a,
        family=family,
        parent=ParentFactory(family=family, first_name=""),
        outcome=Outcome.FOLLOW_UP,
        follow_up_on=date(2026, 4, 7),
        themes=[themes["werk"], themes["wonen"], themes["geldzaken"]],
    )
    ContactFactory(school=school_a, family=family, channel="retired channel")

    response = alice_client.get(reverse("servicepunt:contact-list"))

    page = response.context["page"]
    assert len(page) == 4
    with translation.override("nl"):
        expected = ROWS_AS_THE_TEMPLATE_WROTE_THEM.render(Context({"page": page}))
        assert contact_rows(page) == expected
    html = response.content.decode()
    assert f"<tbody>\n  {expected}\n  </tbody>" in html
    assert "A&amp;&lt;1&gt;</a> · Fa&lt;t&gt;ma &amp; Co" in html
    assert "Geen contacten gevonden." not in html


def test_an_empty_list_says_so(alice_client, school_a, themes):
    ContactFactory(school=school_a, themes=[themes["wonen"]])

    html = alice_client.get(reverse("servicepunt:contact-list"), {"theme": themes["werk"].pk})

    assert '<tbody>\n  \n  <tr><td colspan="7"' in html.content.decode()
    assert "Geen contacten gevonden." in html.content.decode()
