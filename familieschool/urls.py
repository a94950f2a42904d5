from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .oidc import OIDCCallbackView, OIDCLoginView

admin.site.site_header = _("Familieschool portal: administration")
admin.site.site_title = _("Familieschool portal")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("tweede-stap/instellen/", views.second_factor_setup, name="second-factor-setup"),
    path("tweede-stap/", views.second_factor_verify, name="second-factor-verify"),
    # Sign-in through the board's identity provider: 404 unless OIDC_ENABLED (read per request).
    path("oidc/inloggen/", OIDCLoginView.as_view(), name="oidc_authentication_init"),
    path("oidc/terug/", OIDCCallbackView.as_view(), name="oidc_authentication_callback"),
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-herstellen/klaar/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("servicepunt/", include("servicepunt.urls")),
    path("partners/", include("partners.urls")),
    path("activiteiten/", include("activiteiten.urls")),
    path("rapportage/", include("rapportage.urls")),
    path("privacy/logboek/", views.audit_log, name="audit-log"),
    path("privacy/gezin/<int:pk>/", views.family_privacy, name="family-privacy"),
    path(
        "privacy/gezin/<int:pk>/gegevens.json",
        views.family_privacy_json,
        name="family-privacy-json",
    ),
    path("privacy/gezin/<int:pk>/wissen/", views.family_erase_view, name="family-erase"),
    path("beheer/", admin.site.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
