"""The school week's waiting referrals: the rows its template loop wrote, read per school."""

from datetime import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from partners.selectors import referrals_awaiting_appointment
from partners.templatetags.partners_tags import awaiting_rows
from servicepunt.constants import ReferralStatus
from servicepunt.models import Referral
from tests.familieschool.factories import FamilyFactory, ParentFactory
from tests.partners.factories import SpreekuurFactory
from tests.servicepunt.factories import ContactFactory, ReferralFactory

pytestmark = pytest.mark.django_db

# The loop of templates/partners/spreekuur_school_week.html before ``awaiting_rows`` took its place.
ROWS_AS_THE_TEMPLATE_WROTE_THEM = Template(
    """{% load i18n familieschool_tags %}{% for referral in awaiting %}
    <tr>
      <td>{{ referral.created_at|date:"j F Y" }}</td>
      <td>{{ referral.school.name }}</td>
      <td>{{ referral.family.code|default:"–" }}</td>
      <td>{{ referral.parent.display_name|default:"–" }}</td>
      <td>{{ referral.partner.name }}</td>
      <td><a class="btn btn-sm btn-primary" href="{{ referral.pk|pk_url:'partners:book-from-referral' }}">{% translate "Book" %}</a></td>
    </tr>
    {% endfor %}"""  # noqa: E501
)


def test_each_kind_of_waiting_row_is_written_as_the_template_wrote_it(
    alice_client, werkwinkel_a, school_a, partner_p
):
    school_a.name = 'De Schakel & "Co" <1>'
    school_a.save()
    partner_p.name = "Werkwinkel <&>"
    partner_p.save()
    family = FamilyFactory(school=school_a, code="A&<1>")
    anonymous = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    ReferralFactory(contact__school=school_a, contact__family=family, partner=partner_p)
    named = ParentFactory(family=family, first_name="Fa<t>ma", last_name="& Co")
    unnamed = ParentFactory(family=family, first_name="", last_name="")
    for parent in (named, unnamed):
        ReferralFactory(
            contact__school=school_a,
            contact__family=family,
            contact__parent=parent,
            partner=partner_p,
        )
    # Half past midnight on 1 April here is 31 March in UTC: the row shows the local day.
    Referral.objects.filter(pk=anonymous.pk).update(
        created_at=timezone.make_aware(datetime(2026, 4, 1, 0, 30))
    )

    response = alice_client.get(reverse("partners:school-week"))

    awaiting = response.context["awaiting"]
    assert len(awaiting) == 4
    with translation.override("nl"):
        expected = ROWS_AS_THE_TEMPLATE_WROTE_THEM.render(Context({"awaiting": awaiting}))
        assert awaiting_rows(awaiting) == expected
    html = response.content.decode()
    assert f"<tbody>\n    {expected}\n    </tbody>" in html
    assert "<td>1 april 2026</td>" in html
    assert f"<td>Ouder {unnamed.pk}</td>" in html
    assert "<td>Fa&lt;t&gt;ma &amp; Co</td>" in html
    assert "<td>A&amp;&lt;1&gt;</td>" in html
    assert html.count("<td>–</td>") == 3  # the anonymous one's family and parent, one parent


def test_the_waiting_referrals_are_read_with_one_condition_per_school(
    alice, school_a, school_b, partner_p, partner_o, werkwinkel_a
):
    """Two partners at De Schakel, one of them also at Spoorzicht: the query names each school
    once with its partners, and a referral to a partner at a school where she holds no
    spreekuur still waits elsewhere only."""
    alice.schools.add(school_b)
    SpreekuurFactory(partner=partner_o, school=school_a)
    SpreekuurFactory(partner=partner_o, school=school_b)
    here = [
        ReferralFactory(contact__school=school_a, partner=partner_p),
        ReferralFactory(contact__school=school_a, partner=partner_o),
        ReferralFactory(contact__school=school_b, partner=partner_o),
    ]
    ReferralFactory(contact__school=school_b, partner=partner_p)  # no spreekuur at Spoorzicht
    planned = ReferralFactory(contact__school=school_a, partner=partner_p)
    Referral.objects.filter(pk=planned.pk).update(status=ReferralStatus.APPOINTMENT_PLANNED)

    with CaptureQueriesContext(connection) as captured:
        waiting = list(referrals_awaiting_appointment(user=alice))

    assert waiting == here
    where = captured.captured_queries[-1]["sql"].split(" WHERE ", 1)[1]
    assert where.count('"servicepunt_referral"."school_id" = ') == 2
    assert where.count('"servicepunt_referral"."partner_id" IN (') == 2
    assert f'"partner_id" IN ({min(partner_p.pk, partner_o.pk)}, ' in where


@pytest.mark.integration  # PostgreSQL's partial index; SQLite builds it too, but it is not checked
def test_the_waiting_referrals_have_an_index_of_their_own():
    """Without it PostgreSQL combined each school's referrals with every waiting referral of
    the city, read from the status index (23,000 on the city-sized set)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "servicepunt_referral")
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["referral_awaiting"]
        )
        [(definition,)] = cursor.fetchall()
    assert constraints["referral_awaiting"]["columns"] == [
        "school_id",
        "partner_id",
        "created_at",
        "id",
    ]
    assert "WHERE ((status)::text = ANY" in definition
    assert "'aangemeld'" in definition and "'niet_bereikt'" in definition
