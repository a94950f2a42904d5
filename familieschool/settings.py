"""Settings for the Familieschool portal, read from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-key")
else:
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "familieschool",
    "servicepunt",
    "partners",
    "activiteiten",
    "rapportage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "familieschool.middleware.SessionLimitsMiddleware",
    "familieschool.middleware.SecondFactorMiddleware",
    "familieschool.middleware.SecurityHeadersMiddleware",
    "familieschool.middleware.KeptInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: it turns a lockout flagged during authentication into the response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "familieschool.urls"
# Widgets render through the project's templates, so templates/admin/widgets/ can give the admin's
# date and time inputs a label.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "familieschool.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "familieschool.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
SILENCED_SYSTEM_CHECKS = []
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded demo database (make run, make test-quick) builds covering indexes without
    # their INCLUDE columns (models.W040, e.g. servicepunt's contact_school_time_family);
    # PostgreSQL, which the tests, the benchmarks and production use, gets them.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
# Keep a connection per process/thread for this many seconds instead of opening one per request
# (a few ms each, more over TLS); checked before reuse so a restarted database costs one error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Milliseconds a single query may run before PostgreSQL cancels it; 0 is no limit. gunicorn.conf.py
# sets it for the web processes from WEB_STATEMENT_TIMEOUT, so a runaway query cannot hold a web
# worker, while Celery tasks and management commands (exports, migrations) keep no limit.
# Behind pgbouncer in transaction mode a cursor cannot outlive its transaction.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=False
)
DATABASE_STATEMENT_TIMEOUT = env.int("DATABASE_STATEMENT_TIMEOUT", default=0)
if DATABASE_STATEMENT_TIMEOUT and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "familieschool.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any credentials while the username or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The staff portal is Dutch whatever the browser says (no LocaleMiddleware); the other languages
# are for parents: the public school page and reminders choose them explicitly.
LANGUAGE_CODE = "nl"
LANGUAGES = [
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
]
LOCALE_PATHS = [BASE_DIR / "familieschool" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="familieschool@localhost")

# Celery: without a broker the tasks run in-process, so `make run` needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Reach downloads have a queue of their own, consumed by their own worker (docker-compose.yml's
# worker-reports), so that a city's workbook never holds up a reminder or the relay; every
# other task stays on the default queue of the main worker.
CELERY_TASK_DEFAULT_QUEUE = "celery"
REPORTS_QUEUE = "reports"
CELERY_TASK_ROUTES = {"rapportage.tasks.build_reach_export": {"queue": REPORTS_QUEUE}}
# Seconds a reach download may take: at the soft limit the task stops and marks its job failed,
# at the hard limit the worker kills it. A job with no progress for longer than the hard limit
# plus a margin is shown as failed (its worker died or never took it; docs/performance.md).
REACH_EXPORT_SOFT_TIME_LIMIT = env.int("REACH_EXPORT_SOFT_TIME_LIMIT", default=300)
REACH_EXPORT_TIME_LIMIT = env.int(
    "REACH_EXPORT_TIME_LIMIT", default=REACH_EXPORT_SOFT_TIME_LIMIT + 60
)
if not 0 < REACH_EXPORT_SOFT_TIME_LIMIT < REACH_EXPORT_TIME_LIMIT:
    raise ValueError("REACH_EXPORT_SOFT_TIME_LIMIT must be > 0 and < REACH_EXPORT_TIME_LIMIT")

# Figures shown to project leaders hide counts from 1 to MIN_CELL_COUNT - 1.
MIN_CELL_COUNT = env.int("MIN_CELL_COUNT", default=5)
# The dashboard and downloads read kept reach figures, recounted this often (minutes) by the
# task rapportage.tasks.recount_reach; its beat interval in admin should match.
REACH_RECOUNT_MINUTES = env.int("REACH_RECOUNT_MINUTES", default=5)
# Reach rows built from kept figures are remembered per web process (aggregates only, never a
# person; keyed by a digest of the figures, so never older than them): see docs/performance.md.
# A city's report is about 1 MB of rows, so a process keeps at most this many sets.
REACH_ROWS_CACHED = env.int("REACH_ROWS_CACHED", default=40)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
# Personal data of families with no registration for this many months is anonymised.
RETENTION_MONTHS = env.int("RETENTION_MONTHS", default=24)
# A referral without a status change for this many days shows in the coordinator's digest.
REFERRAL_STALE_DAYS = env.int("REFERRAL_STALE_DAYS", default=14)
# Parents of activities without sign-up who came in this many days get reminders.
REMINDER_ATTENDANCE_DAYS = env.int("REMINDER_ATTENDANCE_DAYS", default=90)
# Sent outbox rows and sent-log rows are removed after these many days.
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)
SENT_LOG_KEEP_DAYS = env.int("SENT_LOG_KEEP_DAYS", default=90)
# Audit log rows (who opened, changed, exported or erased a family record) are kept this long.
AUDIT_LOG_KEEP_MONTHS = env.int("AUDIT_LOG_KEEP_MONTHS", default=60)

# Imports (page and commands) refuse a file beyond these limits before reading all of it; see
# docs/security.md.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=1_000)

# Messages can name a parent ("… is enrolled"): keep them server-side, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
# The absolute maximum of a session, counted from login (default 10 hours: one school day) ...
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)
# ... and the idle timeout: minutes without a request after which the user is logged out.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
# A form posted on a session that has just ended is kept this many minutes, server-side, for
# the same user and page after she logs in again (familieschool/kept_input.py).
KEPT_INPUT_MINUTES = env.int("KEPT_INPUT_MINUTES", default=15)
# A form refused for a stale CSRF token (a new login in another tab) is kept the same way.
CSRF_FAILURE_VIEW = "familieschool.views.csrf_failure"
# Content-Security-Policy: only the portal's own files; no inline script or style anywhere.
# Bootstrap draws its icons with data: SVG images. CSP_REPORT_ONLY=1 sends the policy as
# Content-Security-Policy-Report-Only (to try a change); CSP_REPORT_URI collects violations.
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
CSP_REPORT_URI = env.str("CSP_REPORT_URI", default="")
# Browser features no page of the portal uses.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # security.W021 asks for the HSTS preload flag. The portal runs on a subdomain of a
        # school board (portal.example.org); the browsers' preload list takes only whole
        # registrable domains, so preloading is the board's decision for all its hosts, not
        # this portal's. HSTS itself (one year, subdomains) stays on.
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT failures for one username, or from one
# address, logins are refused for LOGIN_LOCKOUT_MINUTES (each refused try restarts the wait), or
# until an administrator unlocks (admin: Users or Login attempts, action "Unlock").
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "familieschool.login.lockout_response"
AXES_CLIENT_IP_CALLABLE = "familieschool.login.client_ip"
AXES_CLIENT_STR_CALLABLE = "familieschool.login.client_str"
AXES_VERBOSE = False
# Successful logins go to our audit log; axes' own access log would keep addresses forever.
AXES_DISABLE_ACCESS_LOG = True
# Our admin registers the attempts with an audited unlock action instead of axes' plain one.
AXES_ENABLE_ADMIN = False
# Second factor (django-otp): administrators and project leaders always set up an app (TOTP) at
# their first login; OTP_REQUIRED_FOR_ALL=1 asks it of every role. Recovery codes are single-use.
OTP_REQUIRED_FOR_ALL = env.bool("OTP_REQUIRED_FOR_ALL", default=False)
OTP_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "Familieschool"

# Optional sign-in through the board's identity provider (OpenID Connect, mozilla-django-oidc);
# off by default. The verified email maps to an existing active user; no user is ever created.
# The second step above still applies after such a login. See docs/security.md.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
OIDC_BUTTON_LABEL = env.str("OIDC_BUTTON_LABEL", default="") or _("the school board")
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("familieschool.oidc.BoardOIDCBackend")

# Proxies in front of the portal that append X-Forwarded-For (0: use the connection's address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
