"""Template filters shared by the apps' pages."""

from datetime import date, time
from functools import lru_cache

from django import forms, template
from django.template import defaultfilters
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from familieschool import timeline

register = template.Library()

_MARKER = 2147483647


@lru_cache(maxsize=64)
def _around_pk(viewname: str, prefix: str, urlconf) -> tuple[str, str]:
    head, tail = reverse(viewname, args=[_MARKER], urlconf=urlconf).split(str(_MARKER))
    return head, tail


@register.filter
def pk_url(pk, viewname: str) -> str:
    """``{% url viewname pk %}`` for a URL whose one argument is an integer pk, at a fraction
    of the cost: ``reverse()`` takes some 40 µs, and the partner's week and the walk-in page
    link a hundred rows. The URL is reversed once per name, script prefix and URL
    configuration, the pk put in."""
    head, tail = _around_pk(viewname, get_script_prefix(), get_urlconf())
    return f"{head}{int(pk)}{tail}"


# A day or a time as text depends only on the value, the format and the language (month and day
# names): nothing personal, never stale. Remembered, as the same days and times recur on a page
# and from request to request.
@lru_cache(maxsize=4096)
def _date_text(value: date, format_string: str, language: str) -> str:
    return formats.date_format(value, format_string)


@lru_cache(maxsize=1024)
def _time_text(value: time, format_string: str, language: str) -> str:
    return formats.time_format(value, format_string)


@register.filter(expects_localtime=True)
def date_text(value, format_string: str) -> str:
    """``value|date:format_string`` for a list's dates: ``date_format`` parses the format and
    translates the month on every call, some 20-40 µs, and the partner's week shows a hundred
    and fifty dates and times. A datetime goes through ``date`` as before."""
    if type(value) is not date:
        return defaultfilters.date(value, format_string)
    return _date_text(value, format_string, get_language())


@register.filter(expects_localtime=True)
def time_text(value, format_string: str) -> str:
    """``value|time:format_string`` for a list's times of day, as ``date_text`` for dates."""
    if type(value) is not time:
        return defaultfilters.time(value, format_string)
    return _time_text(value, format_string, get_language())


@register.filter
def choice_label(obj, name: str) -> str:
    """``obj.get_<name>_display()`` for a list's rows (``familieschool.timeline.choice_label``:
    the choices read once per field, not rebuilt and translated on every row)."""
    return timeline.choice_label(type(obj), name, getattr(obj, obj._meta.get_field(name).attname))


_INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html" for name in ("text", "date", "number", "search")
}
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _widget_attrs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name.
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


def _widget_html(field, attrs: dict) -> str:
    """The field's widget as Django's own templates write it, for a text, date or select
    widget; each template include costs more than the HTML it writes (a theme drop-down is
    some twenty includes). Any other widget goes through its templates."""
    widget = field.field.widget
    template_name = getattr(widget, "template_name", None)
    if template_name not in _INPUT_TEMPLATES and template_name != _SELECT_TEMPLATE:
        return field.as_widget(attrs=attrs)
    attrs = field.build_widget_attrs(attrs)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if template_name != _SELECT_TEMPLATE:
        value = context["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            context["type"],
            context["name"],
            format_html(' value="{}"', value) if value is not None else "",
            mark_safe(_widget_attrs(context["attrs"])),
        )
    options = []
    for group_name, group_choices, _index in context["optgroups"]:
        if group_name or any(o["template_name"] != _OPTION_TEMPLATE for o in group_choices):
            return field.as_widget(attrs=attrs)
        options.extend(
            format_html(
                '\n  <option value="{}"{}>{}</option>\n',
                option["value"],
                mark_safe(_widget_attrs(option["attrs"])),
                option["label"],
            )
            for option in group_choices
        )
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        context["name"],
        mark_safe(_widget_attrs(context["attrs"])),
        mark_safe("".join(options)),
    )


@register.filter
def filter_field(field) -> str:
    """One field of a list's filter form (a GET form above a list): label, Bootstrap widget
    and errors, as ``as_crispy_field`` renders it, without its dozen nested templates, which
    took a fifth of the contact list's time. Forms that are filled in and saved keep crispy."""
    widget = field.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    attrs = {"class": f"{css} is-invalid" if field.errors else css}
    errors = ""
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}_error"
        errors = format_html(
            '<div class="invalid-feedback" id="{}_error">{}</div>',
            field.auto_id,
            format_html_join(" ", "<strong>{}</strong>", ((error,) for error in field.errors)),
        )
    return format_html(
        '<div class="mb-3"><label for="{}" class="form-label">{}</label>{}{}</div>',
        field.id_for_label,
        field.label,
        _widget_html(field, attrs),
        errors,
    )
