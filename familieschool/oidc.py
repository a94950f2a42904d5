"""Optional sign-in through the school board's identity provider (OpenID Connect).

Off unless ``OIDC_ENABLED=1``: then the login page shows a button, ``/oidc/...`` answers, and
:class:`BoardOIDCBackend` is in ``AUTHENTICATION_BACKENDS``. The provider's verified email address
is matched (case-insensitive) to one existing, active user; the portal never creates a user from
it. Every failure (unknown or inactive address, a forged state, an error at the provider) sends
the visitor back to the login page with one and the same message, so nothing is revealed. The
second step (django-otp) still applies after such a login: see docs/security.md.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .constants import AuditAction
from .services import audit_log_record

logger = logging.getLogger(__name__)


def oidc_failure_message() -> str:
    return _(
        "Logging in with %(label)s did not succeed. Log in with your username and password, "
        "or ask an administrator for help."
    ) % {"label": settings.OIDC_BUTTON_LABEL}


class BoardOIDCBackend(OIDCAuthenticationBackend):
    """Maps the provider's verified email to an existing active user; never creates one."""

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password login never reaches the provider.
        if "nonce" not in kwargs or not settings.OIDC_ENABLED:
            return None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims):
        # An address the provider has not verified could be anyone's: refuse it.
        return bool(claims.get("email")) and claims.get("email_verified") is True

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def describe_user_by_claims(self, claims):
        # The library logs this; an email address is personal data and stays out of the log.
        return "the address the provider sent"

    def create_user(self, claims):
        raise PermissionDenied("The portal does not create users from the identity provider.")


class _EnabledOnly:
    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OIDCLoginView(_EnabledOnly, OIDCAuthenticationRequestView):
    """The button's target: remembers state and nonce, then sends the browser to the provider."""

    allowed_roles = "public"


class OIDCCallbackView(_EnabledOnly, OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back with a code."""

    allowed_roles = "public"

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation:
            # A state this session never asked for (forged or replayed): the same refusal.
            logger.warning("OIDC callback refused: state not issued by this session")
            return self.login_failure()

    def login_failure(self):
        messages.error(self.request, oidc_failure_message())
        return redirect("login")

    def login_success(self):
        response = super().login_success()
        audit_log_record(user=self.user, action=AuditAction.LOGIN_OIDC, obj=self.user)
        return response
