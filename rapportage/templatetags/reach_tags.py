from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def _number(value, percentage: bool) -> str:
    if not percentage and isinstance(value, int) and -1000 < value < 1000:
        # No grouping to do: skip number_format, the dashboard shows thousands of these.
        return str(value)
    if percentage:
        return f"{number_format(value, 1)}%"
    return number_format(value, force_grouping=True)


@register.simple_tag
def figure(row):
    """A figure as the dashboard shows it: a number, ``<K`` when hidden, a dash when unknown."""
    if row is None:
        return ""
    if row.hidden:
        return format_html(
            '<span title="{}">{}</span>',
            _("Hidden: fewer than %(k)s, or it would reveal a small count.") % {"k": row.min_cell},
            row.waarde,
        )
    if row.value is None:
        return format_html(
            '<span aria-hidden="true">–</span><span class="visually-hidden">{}</span>',
            _("unknown"),
        )
    return _number(row.value, row.is_percentage)


@register.simple_tag
def change(value, row=None):
    """A change against last year with its sign; percentage points for percentages."""
    if value is None:
        return ""
    percentage = row is not None and row.is_percentage
    text = _number(abs(value), percentage)
    if percentage:
        text = text[:-1] + " " + _("pp")
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text
