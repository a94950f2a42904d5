from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from .access import ADMINISTRATOR, role_of
from .registry import menus

CORE_MENU = {ADMINISTRATOR: [(_("Administration"), "admin:index"), (_("Audit log"), "audit-log")]}


def _menus():
    """Each app registers its pages per role in its ``plugins.py``; the core's come last."""
    merged: dict = {}
    for menu in menus:
        for role, items in menu.items():
            merged.setdefault(role, []).extend(items)
    for role, items in CORE_MENU.items():
        merged.setdefault(role, []).extend(items)
    return merged


@lru_cache(maxsize=64)
def _menu_of(role, prefix: str, urlconf: str) -> tuple:
    """A role's menu as (lazy label, URL) pairs, reversed once per role, script prefix and URL
    configuration instead of on every page (some 10 ``reverse()`` calls, a quarter of a
    millisecond per request). Nothing in it is personal: the same for everyone with the role;
    the labels stay lazy, so each page translates them into its own language."""
    return tuple((label, reverse(name, urlconf=urlconf)) for label, name in _menus().get(role, []))


def navigation(request):
    """The navigation of the signed-in user's role."""
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    if role is None:
        return {"nav_items": [], "user_role": None}
    menu = _menu_of(role, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    items = [{"label": label, "url": url, "active": request.path == url} for label, url in menu]
    return {"nav_items": items, "user_role": role}
