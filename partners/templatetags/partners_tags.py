"""Template tags of the partners' pages."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from familieschool.templatetags.familieschool_tags import date_text, pk_url, time_text

from ..constants import AppointmentStatus

register = template.Library()

_REFERRAL_ROW = """
  <tr>
    <td><a href="{}">{}</a></td>
    <td>{}</td>
    <td>{}{}</td>
    <td>{}</td>
    <td>{}</td>
  </tr>
  """


_APPOINTMENT_ROW = """
        <tr{}>
          <td>{}</td>
          <td>{}</td>
          <td>{}</td>
          <td>{}</td>
          <td>
            <span class="d-none d-print-inline">{}</span>
            <form method="post" action="{}" class="d-flex gap-1 d-print-none">{}
              <input type="hidden" name="next" value="{}">
              <label class="visually-hidden" for="status-{}">{}</label>
              <select class="form-select form-select-sm" name="status" id="status-{}">
                {}
              </select>
              <button class="btn btn-sm btn-outline-primary" type="submit">{}</button>
            </form>
          </td>
        </tr>
        """
_AWAITING_ROW = """
    <tr>
      <td>{}</td>
      <td>{}</td>
      <td>{}</td>
      <td>{}</td>
      <td>{}</td>
      <td><a class="btn btn-sm btn-primary" href="{}">{}</a></td>
    </tr>
    """
_CANCELLED = mark_safe(' class="text-muted text-decoration-line-through"')


def _contact_details(row) -> str:
    if not (row.phone or row.email):
        return "–"
    separator = mark_safe("<br>") if row.phone and row.email else ""
    return format_html("{}{}{}", row.phone, separator, row.email)


@register.simple_tag
def referral_rows(referrals) -> SafeString:
    """The rows of a school's open referrals in the partner's week (``PartnerReferralRow``),
    as a ``{% for %}`` over them in the template wrote them: a dozen variables, filters and
    tags per row, for a hundred rows and more, took most of the page's rendering."""
    rows = []
    for row in referrals:
        walk_in = ""
        if row.walk_in_on:
            # As {% blocktranslate %} writes it: the translation as it is, the date escaped.
            walk_in = mark_safe(
                '<br><span class="small">%s</span>'
                % (
                    gettext("comes to the walk-in on %(date)s")
                    % {"date": conditional_escape(date_text(row.walk_in_on, "j F"))}
                )
            )
        rows.append(
            format_html(
                _REFERRAL_ROW,
                pk_url(row.id, "servicepunt:partner-referral-detail"),
                row.label,
                mark_safe(", ".join(conditional_escape(theme) for theme in row.themes)),
                row.status_display,
                walk_in,
                date_text(row.referred_on, "j F Y"),
                _contact_details(row),
            )
        )
    return mark_safe("".join(rows))


@register.simple_tag(takes_context=True)
def appointment_rows(context, appointments, next_url: str, status_choices) -> SafeString:
    """The rows of a spreekuur's appointments in the partner's week (``PartnerAppointmentRow``),
    each with its form to record whether the parent came, as a ``{% for %}`` over them in the
    template wrote them (some thirty variables and tags per row, and a loop for the options)."""
    csrf_input = CsrfTokenNode().render(context)
    status_label, save_label = gettext("Status"), gettext("Save")
    rows = []
    for row in appointments:
        label = row.label
        if row.referral_id:
            label = format_html(
                '<a href="{}">{}</a>',
                pk_url(row.referral_id, "servicepunt:partner-referral-detail"),
                row.label,
            )
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, mark_safe(" selected") if value == row.status else "", text)
                for value, text in status_choices
            ),
        )
        rows.append(
            format_html(
                _APPOINTMENT_ROW,
                _CANCELLED if row.status == AppointmentStatus.CANCELLED else "",
                time_text(row.start_time, "H:i"),
                label,
                row.theme or "–",
                _contact_details(row),
                row.status_display,
                pk_url(row.id, "partners:appointment-status"),
                csrf_input,
                next_url,
                row.id,
                status_label,
                row.id,
                options,
                save_label,
            )
        )
    return mark_safe("".join(rows))


@register.simple_tag
def awaiting_rows(referrals) -> SafeString:
    """The school week's referrals waiting for an appointment (``referrals_awaiting_appointment``,
    up to fifty), as the ``{% for %}`` over them in the template wrote them: six variables,
    filters and tags per row were most of the page's rendering."""
    book = gettext("Book")
    return mark_safe(
        "".join(
            format_html(
                _AWAITING_ROW,
                date_text(timezone.localtime(referral.created_at).date(), "j F Y"),
                referral.school.name,
                (referral.family.code if referral.family is not None else "") or "–",
                referral.parent.display_name if referral.parent is not None else "–",
                referral.partner.name,
                pk_url(referral.pk, "partners:book-from-referral"),
                book,
            )
            for referral in referrals
        )
    )
