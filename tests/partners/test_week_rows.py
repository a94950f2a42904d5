"""The partner's week rows, written in Python, are the rows its template loops wrote."""

from datetime import date, time

import pytest
from django.template import Context, Template
from django.utils import translation

from partners.constants import AppointmentStatus
from partners.selectors import PartnerAppointmentRow, PartnerReferralRow, status_labels
from partners.templatetags.partners_tags import appointment_rows, referral_rows

# The loop of templates/partners/_week_referrals.html before ``referral_rows`` took its place.
REFERRAL_ROWS_AS_THE_TEMPLATE_WROTE_THEM = Template(
    """{% load i18n familieschool_tags %}{% for referral in referrals %}
  <tr>
    <td><a href="{{ referral.id|pk_url:'servicepunt:partner-referral-detail' }}">{{ referral.label }}</a></td>
    <td>{{ referral.themes|join:", " }}</td>
    <td>{{ referral.status_display }}{% if referral.walk_in_on %}<br><span class="small">{% blocktranslate with date=referral.walk_in_on|date:"j F" %}comes to the walk-in on {{ date }}{% endblocktranslate %}</span>{% endif %}</td>
    <td>{{ referral.referred_on|date:"j F Y" }}</td>
    <td>{% if referral.phone or referral.email %}{{ referral.phone }}{% if referral.phone and referral.email %}<br>{% endif %}{{ referral.email }}{% else %}–{% endif %}</td>
  </tr>
  {% endfor %}"""  # noqa: E501
)

# The loop of templates/partners/spreekuur_week.html before ``appointment_rows`` took its place.
APPOINTMENT_ROWS_AS_THE_TEMPLATE_WROTE_THEM = Template(
    """{% load i18n familieschool_tags %}{% translate "Status" as status_label %}{% translate "Save" as save_label %}{% for appointment in appointments %}
        <tr{% if appointment.status == "geannuleerd" %} class="text-muted text-decoration-line-through"{% endif %}>
          <td>{{ appointment.start_time|time:"H:i" }}</td>
          <td>{% if appointment.referral_id %}<a href="{{ appointment.referral_id|pk_url:'servicepunt:partner-referral-detail' }}">{{ appointment.label }}</a>{% else %}{{ appointment.label }}{% endif %}</td>
          <td>{{ appointment.theme|default:"–" }}</td>
          <td>{% if appointment.phone or appointment.email %}{{ appointment.phone }}{% if appointment.phone and appointment.email %}<br>{% endif %}{{ appointment.email }}{% else %}–{% endif %}</td>
          <td>
            <span class="d-none d-print-inline">{{ appointment.status_display }}</span>
            <form method="post" action="{{ appointment.id|pk_url:'partners:appointment-status' }}" class="d-flex gap-1 d-print-none">{% csrf_token %}
              <input type="hidden" name="next" value="{{ next_url }}">
              <label class="visually-hidden" for="status-{{ appointment.id }}">{{ status_label }}</label>
              <select class="form-select form-select-sm" name="status" id="status-{{ appointment.id }}">
                {% for value, label in status_choices %}<option value="{{ value }}"{% if value == appointment.status %} selected{% endif %}>{{ label }}</option>{% endfor %}
              </select>
              <button class="btn btn-sm btn-outline-primary" type="submit">{{ save_label }}</button>
            </form>
          </td>
        </tr>
        {% endfor %}"""  # noqa: E501
)

REFERRALS = [
    PartnerReferralRow(
        id=7,
        label="F.E.",
        themes=["Geldzaken en schulden", "Toeslagen, regelingen & fondsen"],
        status_display="Aangemeld",
        referred_on=date(2026, 3, 29),
        follow_up_on=None,
        phone="",
        email="",
    ),
    PartnerReferralRow(
        id=2024,
        label='Fa<t>ma & "Co"',
        themes=["Wonen"],
        status_display="Afspraak gepland",
        referred_on=date(2025, 12, 31),
        follow_up_on=date(2026, 1, 5),
        phone="06 <1234> & 5678",
        email="fatima&co@example.org",
        walk_in_on=date(2026, 12, 3),
    ),
    PartnerReferralRow(
        id=99999999,
        label="Ouder (geen naam vastgelegd)",
        themes=[],
        status_display="In behandeling",
        referred_on=date(2026, 1, 1),
        follow_up_on=None,
        phone="",
        email="only@example.org",
        walk_in_on=date(2026, 1, 2),
    ),
    PartnerReferralRow(
        id=12,
        label="Aïcha",
        themes=["Werk"],
        status_display="Aangemeld",
        referred_on=date(2026, 7, 4),
        follow_up_on=None,
        phone="0612345678",
        email="",
    ),
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_referral_rows_are_written_as_the_template_wrote_them(language):
    with translation.override(language):
        expected = REFERRAL_ROWS_AS_THE_TEMPLATE_WROTE_THEM.render(
            Context({"referrals": REFERRALS})
        )
        assert referral_rows(REFERRALS) == expected
    assert "Fa&lt;t&gt;ma &amp; &quot;Co&quot;" in expected
    assert "Toeslagen, regelingen &amp; fondsen" in expected
    assert referral_rows([]) == ""


def _appointment(pk, status, **fields):
    labels = status_labels(AppointmentStatus)
    defaults = {
        "id": pk,
        "start_time": time(9, 20),
        "status": status,
        "status_display": labels[status],
        "label": "F.E.",
        "theme": "",
        "phone": "",
        "email": "",
        "via_referral": False,
    }
    return PartnerAppointmentRow(**{**defaults, **fields})


@pytest.mark.parametrize("language", ["nl", "en"])
def test_appointment_rows_are_written_as_the_template_wrote_them(language):
    with translation.override(language):
        appointments = [
            _appointment(1, AppointmentStatus.PLANNED),
            _appointment(
                22,
                AppointmentStatus.ATTENDED,
                start_time=time(13, 5),
                label='Fa<t>ma & "Co"',
                theme="Toeslagen, regelingen & fondsen",
                phone="06 <1234>",
                email="a&b@example.org",
                via_referral=True,
                referral_id=2024,
            ),
            _appointment(333, AppointmentStatus.CANCELLED, email="only@example.org"),
            _appointment(4444, AppointmentStatus.NO_SHOW, phone="0612345678"),
        ]
        context = {
            "appointments": appointments,
            "next_url": '/partners/?week=2026-W49&x="<y>"',
            "status_choices": status_labels(AppointmentStatus).items(),
            "csrf_token": "token-of-this-request",
        }
        expected = APPOINTMENT_ROWS_AS_THE_TEMPLATE_WROTE_THEM.render(Context(context))
        written = appointment_rows(
            Context(context), appointments, context["next_url"], context["status_choices"]
        )
        assert written == expected
    assert 'value="token-of-this-request"' in expected
    assert expected.count(" selected>") == 4
    assert 'class="text-muted text-decoration-line-through"' in expected
