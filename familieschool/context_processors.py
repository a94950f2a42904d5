from django.urls import reverse
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


def navigation(request):
    """The navigation of the signed-in user's role."""
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    if role is None:
        return {"nav_items": [], "user_role": None}
    items = []
    for label, name in _menus().get(role, []):
        url = reverse(name)
        items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items, "user_role": role}
