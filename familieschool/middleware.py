"""Security headers on every response, the limits of a staff session, and the input a session
that has just ended keeps for its user (``familieschool.kept_input``)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from .access import second_factor_required
from .kept_input import (
    KEPT_INPUT,
    LOGGED_OUT_USER,
    kept_input_discard,
    kept_input_keep,
    kept_input_take,
    logged_out_user_id,
    remember_logged_out_user,
)

LOGIN_AT = "familieschool_login_at"
LAST_SEEN = "familieschool_last_seen"
# The idle clock is written at most this often, so most requests change no session row.
LAST_SEEN_RESOLUTION = 60


def content_security_policy() -> str:
    policy = dict(settings.CSP_DIRECTIVES)
    if settings.CSP_REPORT_URI:
        policy["report-uri"] = settings.CSP_REPORT_URI
    return "; ".join(f"{name} {value}".strip() for name, value in policy.items())


class SecurityHeadersMiddleware:
    """CSP (or its report-only variant), Permissions-Policy, and no-store for staff pages.

    Every page a signed-in user sees may show personal data, so none of them may be kept by a
    (shared) browser or a proxy: ``Cache-Control: no-store`` on all of them is the simple rule.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        header = (
            "Content-Security-Policy-Report-Only"
            if settings.CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )
        response.headers.setdefault(header, self.csp)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class SessionLimitsMiddleware:
    """Log out after ``SESSION_IDLE_MINUTES`` without a request, and ``SESSION_COOKIE_AGE``
    seconds after login whatever happens (the absolute maximum)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.get(LOGIN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_MINUTES * 60
            too_old = now - login_at > settings.SESSION_COOKIE_AGE
            if idle or too_old:
                user_id = request.user.pk
                logout(request)
                remember_logged_out_user(request, user_id)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)s minutes without activity.")
                    % {"minutes": settings.SESSION_IDLE_MINUTES}
                    if idle
                    else _("You were logged out: a session lasts at most %(hours)s hours.")
                    % {"hours": round(settings.SESSION_COOKIE_AGE / 3600)},
                )
                # The request goes on anonymously: a staff page sends it to the login page.
                return self.get_response(request)
            if LOGIN_AT not in session:
                session[LOGIN_AT] = now
            if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Users who need a second factor reach only the login, setup and code pages without one.

    Runs after django-otp's OTPMiddleware, which gives ``request.user.is_verified()``. Public
    pages (``@public``) stay open, as they are for anonymous visitors.
    """

    OPEN_VIEWS = {
        "login",
        "logout",
        "second-factor-setup",
        "second-factor-verify",
        "admin:logout",
        "admin:jsi18n",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        # The role first: is_verified() costs a query for the device, which a coordinator's
        # page need not pay.
        if not user.is_authenticated or not second_factor_required(user) or user.is_verified():
            return None
        view_class = getattr(view_func, "view_class", None)
        allowed = getattr(view_func, "allowed_roles", None) or getattr(
            view_class, "allowed_roles", None
        )
        if allowed == "public" or request.resolver_match.view_name in self.OPEN_VIEWS:
            return None
        target = "second-factor-verify" if user_has_device(user) else "second-factor-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def keeps_input(request, view_func) -> bool:
    """Whether a POST to this view is kept when the session has ended: a staff page, not the
    login, the second step or the logout (never a password or a code), nor the admin."""
    view_class = getattr(view_func, "view_class", None)
    allowed = getattr(view_func, "allowed_roles", None) or getattr(
        view_class, "allowed_roles", None
    )
    return (
        bool(allowed)
        and allowed != "public"
        and request.resolver_match.view_name not in SecondFactorMiddleware.OPEN_VIEWS
    )


class KeptInputMiddleware:
    """Keep a form posted on a session the idle timeout or the maximum age has just ended, and
    hand it to the same page after she has logged in again (see ``familieschool.kept_input``).

    After ``SecondFactorMiddleware``: the input comes back only once the second step is done.
    After ``CsrfViewMiddleware`` as well, so only a POST with a valid token is kept here; a
    stale token (a new login in another tab) is handled by ``views.csrf_failure``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kept = getattr(request, "kept_input", None)
        if kept is not None and not kept.used:
            # The page took no form from it (an address that only takes a POST, or a page
            # without one): she is told, never left to find out.
            if response.status_code == 405:
                messages.warning(
                    request,
                    _("You were logged out, so your last action was not carried out. Do it again."),
                )
                return redirect(kept.back or "home")
            messages.warning(
                request,
                _(
                    "You were logged out; what you had entered could not be put back here. "
                    "Enter it again."
                ),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST":
            user_id = logged_out_user_id(request)
            if request.user.is_authenticated or user_id is None:
                return None
            if not keeps_input(request, view_func):
                return None
            kept_input_keep(request, user_id=user_id)
            messages.info(
                request,
                _("What you had entered is kept for %(minutes)s minutes: log in again to go on.")
                % {"minutes": settings.KEPT_INPUT_MINUTES},
            )
            return redirect_to_login(request.get_full_path())
        authenticated = request.user.is_authenticated
        if request.method == "GET" and authenticated and KEPT_INPUT in request.session:
            request.kept_input = kept_input_take(request)
        return None


@receiver(user_logged_in, dispatch_uid="familieschool-session-clock")
def start_session_clock(sender, request, user, **kwargs):
    # login() has just given the session a new key; the clocks start with it.
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now
    # The anonymous session that kept her input lived only as long as the input; this one has
    # the usual age. Input kept for someone else is gone before this user sees any page.
    request.session.set_expiry(None)
    request.session.pop(LOGGED_OUT_USER, None)
    kept = request.session.get(KEPT_INPUT)
    if kept is not None and kept["user"] != user.pk:
        kept_input_discard(request)
