from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from .access import ALL_ROLES, START_PAGES, public, role_of, role_required
from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@role_required(*ALL_ROLES)
def home(request):
    """Send each role to its own start page."""
    return redirect(START_PAGES[role_of(request.user)])


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
