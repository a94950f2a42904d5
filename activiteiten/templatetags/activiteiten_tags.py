from django import template

from ..pictograms import pictogram_svg

register = template.Library()


@register.simple_tag
def pictogram(code, size=48):
    """Inline SVG pictogram for an activity type code."""
    return pictogram_svg(code, size)


@register.filter
def title_in(activity, language):
    """An activity's title in ``language``, falling back to Dutch."""
    return activity.title_in(language)
