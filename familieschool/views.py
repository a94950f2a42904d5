from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from . import second_factor
from .access import ADMINISTRATOR, ALL_ROLES, START_PAGES, public, role_of, role_required
from .constants import AuditAction
from .exports import csv_bytes, xlsx_bytes
from .forms import (
    AuditLogFilterForm,
    FamilyEraseForm,
    LoginForm,
    SecondFactorForm,
    add_service_errors,
    posted,
)
from .kept_input import kept_input_keep, logged_out_user_id
from .middleware import keeps_input
from .models import AuditLog, Family
from .selectors import audit_log_list, family_data, family_privacy_get
from .services import audit_log_record, audit_log_record_export, family_erase


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.OIDC_ENABLED:
            context["oidc_label"] = settings.OIDC_BUTTON_LABEL
        return context


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by email; the mail carries a link and no name or username."""

    allowed_roles = "public"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        # The link uses the configured address, never the Host header of the request.
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    allowed_roles = "public"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    allowed_roles = "public"

    def form_valid(self, form):
        # A new password chosen through the mailbox lifts a lockout of that username.
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    allowed_roles = "public"


@role_required(*ALL_ROLES)
def home(request):
    """Send each role to its own start page."""
    return redirect(START_PAGES[role_of(request.user)])


def _next_url(request) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@role_required(*ALL_ROLES)
def second_factor_setup(request):
    """First login without a second factor: scan the QR code, confirm with a code."""
    user = request.user
    if second_factor.user_has_device(user):
        return redirect("home" if user.is_verified() else "second-factor-verify")
    device = second_factor.second_factor_device_for_setup(user=user)
    form = SecondFactorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            codes = second_factor.second_factor_enrol(user=user, device=device)
            otp_login(request, device)
            # Shown once, in this response only: never stored, never mailed.
            return render(
                request,
                "registration/second_factor_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error("token", _("This code is not right. Check the time on your phone."))
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "qr_svg": second_factor.second_factor_qr_svg(device),
            "secret": second_factor.second_factor_secret(device),
            "next": _next_url(request),
        },
    )


@role_required(*ALL_ROLES)
def second_factor_verify(request):
    """After the password: a code from the app, or one of the recovery codes."""
    user = request.user
    if not second_factor.user_has_device(user):
        return redirect("second-factor-setup")
    if user.is_verified():
        return redirect(_next_url(request))
    form = SecondFactorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        device = second_factor.second_factor_match(user=user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    _("You used a recovery code; %(count)s are left.") % {"count": left},
                )
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not right, or it was used already."))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/second_factor_verify.html", context)


def csrf_failure(request, reason=""):
    """A form refused for its CSRF token keeps what she entered, like an ended session does.

    The usual cause: the page was opened before she logged in again in another tab, and a login
    gives a new token. Only a form this site sent is kept: a browser sends an Origin header with
    a POST, and Django checks it before the token (a reason that starts with "CSRF" is about
    the token only), so a form posted from another site still gets the plain refusal.
    """
    user_id = request.user.pk if request.user.is_authenticated else logged_out_user_id(request)
    own_form = "HTTP_ORIGIN" in request.META and reason.startswith("CSRF")
    if (
        request.method == "POST"
        and user_id is not None
        and own_form
        and keeps_input(request, resolve(request.path_info).func)
    ):
        kept_input_keep(request, user_id=user_id)
        if request.user.is_authenticated:
            return redirect(request.get_full_path())
        return auth_views.redirect_to_login(request.get_full_path())
    return django_csrf_failure(request, reason)


@public
@never_cache
def healthz(request):
    """Liveness for the load balancer: the database answers, and the broker when configured."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    if settings.CELERY_BROKER_URL:
        from .celery import app

        try:
            with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception:
            checks["broker"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    if checks["database"] == "ok":
        from .outbox import pending_summary

        # Information only: the portal keeps working while the outbox waits for the broker.
        checks["outbox_pending"] = pending_summary()["pending"]
    return JsonResponse(checks, status=200 if healthy else 503)


# --- the audit log and a family's data (AVG) ----------------------------------------------

AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_HEADER = [
    "tijdstip",
    "gebruiker",
    "rol",
    "actie",
    "school",
    "gezin",
    "soort_gegeven",
    "nummer",
]


@role_required(ADMINISTRATOR)
@never_cache
def audit_log(request):
    """Who opened, changed, exported or erased which family record: filter, page, download."""
    form = AuditLogFilterForm(request.GET or None)
    entries = AuditLog.objects.none()
    if not form.is_bound:
        entries = audit_log_list()
    elif form.is_valid():
        data = form.cleaned_data
        entries = audit_log_list(
            user=data["gebruiker"],
            school=data["school"],
            family_id=data["gezin"],
            action=data["actie"],
            since=data["van"],
            until=data["tot"],
        )
    fmt = request.GET.get("formaat")
    if fmt in ("csv", "xlsx") and (form.is_valid() or not form.is_bound):
        return _audit_log_download(request, entries, fmt)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("formaat", None)
    return render(
        request,
        "familieschool/auditlog_list.html",
        {
            "form": form,
            "page": Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
        },
    )


def _audit_log_download(request, entries, fmt: str) -> HttpResponse:
    rows = [
        [
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.user.username,
            entry.get_role_display(),
            entry.get_action_display(),
            entry.family.school.name if entry.family else "",
            entry.family.code if entry.family else "",
            entry.object_type,
            entry.object_id,
        ]
        for entry in entries.iterator(chunk_size=2000)
    ]
    audit_log_record_export(user=request.user, object_type=AuditLog._meta.label_lower)
    if fmt == "csv":
        content = csv_bytes(rows, header=AUDIT_EXPORT_HEADER)
        content_type = "text/csv; charset=utf-8"
    else:
        content = xlsx_bytes({"logboek": (AUDIT_EXPORT_HEADER, rows)})
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="logboek_{stamp}.{fmt}"'
    return response


@role_required(ADMINISTRATOR)
@never_cache
def family_privacy(request, pk: int):
    """Everything the portal holds about one family, readable and printable (AVG art. 15)."""
    family = family_privacy_get(user=request.user, pk=pk)
    audit_log_record(user=request.user, action=AuditAction.VIEW, obj=family)
    return _family_privacy_page(request, family, FamilyEraseForm())


def _family_privacy_page(request, family, erase_form, status=200):
    year_ago = timezone.localdate() - timedelta(days=365)
    opened = urlencode({"gezin": family.pk, "actie": AuditAction.VIEW, "van": year_ago.isoformat()})
    return render(
        request,
        "familieschool/family_privacy.html",
        {
            "family": family,
            "sections": family_data(family),
            "erase_form": erase_form,
            "opened_query": opened,
        },
        status=status,
    )


@role_required(ADMINISTRATOR)
@never_cache
def family_privacy_json(request, pk: int):
    """The same data as a machine-readable JSON file (AVG art. 15 and 20)."""
    family = family_privacy_get(user=request.user, pk=pk)
    sections = family_data(family)
    payload = {
        "portaal": "Familieschool",
        "aangemaakt_op": timezone.localtime().isoformat(timespec="seconds"),
        "school": family.school.name,
        "gezin": family.code,
        "gegevens": {
            section.key: [
                dict(zip([name for name, _label in section.columns], row, strict=True))
                for row in section.rows
            ]
            for section in sections
        },
    }
    audit_log_record_export(user=request.user, object_type=Family._meta.label_lower, family=family)
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="gezin_{family.pk}.json"'
    return response


@require_POST
@role_required(ADMINISTRATOR)
def family_erase_view(request, pk: int):
    """Erase the family's personal data on its request (AVG art. 17); figures stay."""
    family = family_privacy_get(user=request.user, pk=pk)
    form = FamilyEraseForm(posted(request))
    if form.is_valid():
        try:
            family_erase(family=family, user=request.user)
        except ValidationError as error:
            add_service_errors(form, error, "confirm")
        else:
            messages.success(request, _("The personal data of this family has been erased."))
            return redirect("family-privacy", pk=family.pk)
    return _family_privacy_page(request, family, form, status=400)
