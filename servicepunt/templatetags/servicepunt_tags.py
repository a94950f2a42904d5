"""Template tags of the servicepunt's pages."""

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from familieschool.templatetags.familieschool_tags import choice_label, pk_url

register = template.Library()

_ROW = """
  <tr>
    <td>{}</td>
    <td>{}</td>
    <td>{}</td>
    <td>{}</td>
    <td>{}</td>
    <td>{}{}</td>
    <td><a href="{}">{}</a></td>
  </tr>
  """


@register.simple_tag
def contact_rows(contacts) -> SafeString:
    """The contact list's table rows, as a ``{% for %}`` over the rows in the template wrote
    them: some twenty variables, filters and tags per row took most of the page's rendering
    (``contact_list_rows`` reads what a row shows, with its themes in ``theme_list``)."""
    anonymous, details = gettext("Anonymous"), gettext("Details")
    rows = []
    for contact in contacts:
        if contact.family is not None:
            family = format_html(
                '<a href="{}">{}</a>',
                pk_url(contact.family_id, "servicepunt:family-detail"),
                contact.family.code,
            )
            if contact.parent is not None:
                family = format_html("{} · {}", family, contact.parent.first_name)
        else:
            family = format_html('<span class="text-body-secondary">{}</span>', anonymous)
        follow_up = ""
        if contact.follow_up_on:
            follow_up = f" ({contact.follow_up_on:%d-%m-%Y})"
        rows.append(
            format_html(
                _ROW,
                f"{timezone.localtime(contact.occurred_at):%d-%m-%Y %H:%M}",
                contact.school.name,
                family,
                format_html_join(
                    "",
                    '<span class="badge rounded-pill text-bg-light border">{}</span> ',
                    ((theme.name,) for theme in contact.theme_list),
                ),
                choice_label(contact, "channel"),
                choice_label(contact, "outcome"),
                follow_up,
                pk_url(contact.pk, "servicepunt:contact-detail"),
                details,
            )
        )
    return mark_safe("".join(rows))
