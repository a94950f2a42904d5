"""Security headers on every response and the limits of a staff session."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from .access import second_factor_required

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
                logout(request)
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


@receiver(user_logged_in, dispatch_uid="familieschool-session-clock")
def start_session_clock(sender, request, user, **kwargs):
    # login() has just given the session a new key; the clocks start with it.
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now
