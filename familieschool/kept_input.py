"""What a user had typed into a form when her session ended, kept until she logs in again.

A coordinator interrupted at the servicepunt for longer than ``SESSION_IDLE_MINUTES`` (or past
the session's absolute maximum) presses save on a session that has just ended. The posted
fields (never the CSRF token, a password or an uploaded file) are kept for
``KEPT_INPUT_MINUTES`` in her new, still anonymous session (the database session store: nothing
of it is in the cookie, the URL or a log), bound to the user who was logged in and to the
address she posted to. After she has logged in again (password and, where required, the second
step) that page binds its form to them once, through ``familieschool.forms.posted``: validated
as usual, saved only when she presses save. Anyone else who logs in on that browser never sees
them. ``KeptInputMiddleware`` (in ``middleware.py``) does the keeping and the handing back.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import QueryDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

__all__ = [
    "KEPT_INPUT",
    "LOGGED_OUT_USER",
    "KeptInput",
    "kept_input_discard",
    "kept_input_keep",
    "kept_input_take",
    "kept_input_use",
    "logged_out_user_id",
    "remember_logged_out_user",
]

KEPT_INPUT = "familieschool_kept_input"
LOGGED_OUT_USER = "familieschool_logged_out_user"
# Never kept: Django's token, and whatever looks like a secret.
SKIPPED_FIELDS = ("csrfmiddlewaretoken",)
SECRET_WORDS = ("password", "wachtwoord")


@dataclass
class KeptInput:
    """The input handed to one request; ``used`` once a form has been bound to it."""

    data: QueryDict
    files_dropped: bool
    back: str
    used: bool = False


def remember_logged_out_user(request, user_id: int) -> None:
    """Note in the fresh session who was just logged out, so that her next POST can be kept."""
    request.session[LOGGED_OUT_USER] = user_id


def logged_out_user_id(request) -> int | None:
    """The user the idle timeout or the session's maximum logged out in this browser, if any."""
    return request.session.get(LOGGED_OUT_USER)


def _keepable(name: str) -> bool:
    lowered = name.lower()
    return name not in SKIPPED_FIELDS and not any(word in lowered for word in SECRET_WORDS)


def _back(request) -> str:
    """The page the form was on (same site only): where to go when the address takes no GET."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def kept_input_keep(request, *, user_id: int) -> None:
    """Keep the POST's fields for ``user_id`` and this address for ``KEPT_INPUT_MINUTES``."""
    seconds = settings.KEPT_INPUT_MINUTES * 60
    request.session[KEPT_INPUT] = {
        "user": user_id,
        "path": request.get_full_path(),
        "fields": [
            [name, value]
            for name, values in request.POST.lists()
            if _keepable(name)
            for value in values
        ],
        "files_dropped": bool(request.FILES),
        "back": _back(request),
        "until": time.time() + seconds,
    }
    if not request.user.is_authenticated:
        # The anonymous session (and with it the input) ends when the input expires unless
        # she logs in; login gives it the usual age again (middleware.start_session_clock).
        request.session.set_expiry(seconds)


def kept_input_discard(request) -> None:
    request.session.pop(KEPT_INPUT, None)


def kept_input_take(request) -> KeptInput | None:
    """The input kept for this user and this address, removed from the session; else None.

    Input kept for another user or expired is removed as well, and never returned.
    """
    kept = request.session.get(KEPT_INPUT)
    if kept is None:
        return None
    if kept["user"] != request.user.pk or kept["until"] < time.time():
        kept_input_discard(request)
        return None
    if kept["path"] != request.get_full_path():
        return None
    kept_input_discard(request)
    data = QueryDict(mutable=True)
    for name, value in kept["fields"]:
        data.appendlist(name, value)
    data._mutable = False
    return KeptInput(data=data, files_dropped=kept["files_dropped"], back=kept["back"])


def kept_input_use(request) -> QueryDict | None:
    """The kept input this request hands to its form (the same each call), else None."""
    kept = getattr(request, "kept_input", None)
    if kept is None:
        return None
    if not kept.used:
        kept.used = True
        messages.warning(
            request,
            _("You were logged out; what you had entered is still here. Check it and save."),
        )
        if kept.files_dropped:
            messages.warning(request, _("The file you had chosen was not kept: choose it again."))
    return kept.data
