"""Signing in: lockout after repeated failures (django-axes) and the audit rows it leaves.

What a visitor sees never says whether a username exists: a wrong password, an unknown user and
a locked account that is not the visitor's all get the same messages. Audit rows are written only
for accounts that exist, because the audit log names a user; attempts on unknown usernames stay
in axes' own table until they cool off.
"""

import math

from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import NON_FIELD_ERRORS
from django.dispatch import receiver
from django.forms.utils import ErrorDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from .constants import AuditAction
from .forms import LoginForm
from .services import audit_log_record


def client_ip(request) -> str | None:
    """The visitor's address: behind ``TRUSTED_PROXY_COUNT`` proxies, from X-Forwarded-For."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        # Each trusted proxy appends the address it saw; anything further left is client-chosen.
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """What axes writes to the log for a client: never a username or an address."""
    return "a client of the login page"


def lockout_message() -> str:
    minutes = math.ceil(get_cool_off().total_seconds() / 60)
    return _(
        "Too many failed attempts to log in. Try again in %(minutes)s minutes, "
        "or ask an administrator to unlock the account."
    ) % {"minutes": minutes}


def lockout_response(request, original_response, credentials):
    """The login page again with a Dutch message, the same for every username (HTTP 429)."""
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    # No authentication may run while locked, so the form is not validated: the error is set.
    form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class([lockout_message()])})
    return render(
        request,
        "registration/login.html",
        {"form": form, "next": request.POST.get("next", "")},
        status=429,
    )


def _existing_user(username):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_login_failed, dispatch_uid="familieschool-audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    user = _existing_user(credentials.get("username"))
    if user is not None:
        audit_log_record(user=user, action=AuditAction.LOGIN_FAILED, obj=user)


@receiver(user_locked_out, dispatch_uid="familieschool-audit-lockout")
def audit_lockout(sender, request, username, ip_address, **kwargs):
    user = _existing_user(username)
    if user is not None:
        audit_log_record(user=user, action=AuditAction.LOCKOUT, obj=user)
