"""Template filters of the partner pages (``pk_url`` lives in the core, shared with others)."""

from django import template

from familieschool.templatetags.familieschool_tags import pk_url

register = template.Library()
register.filter("pk_url", pk_url)

__all__ = ["pk_url"]
