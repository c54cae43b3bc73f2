"""Settings for Convene, read from the environment (see .env.example)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from convene.core.env import env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
# Development conveniences (demo sign-ins, a generated secret) are only ever
# switched on explicitly; production refuses to start with them.
DEVELOPMENT = env_bool("CONVENE_DEVELOPMENT", False)
if DEVELOPMENT:
    SECRET_KEY = env_str("SECRET_KEY", "development-only-not-secret")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("development-only"):
        raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be false unless CONVENE_DEVELOPMENT is true")
# The audit log's hash chain is keyed with this secret, kept out of the database, so that
# someone who can only write to the database cannot rewrite the log undetected.
if DEVELOPMENT:
    CONVENE_AUDIT_KEY = env_str("CONVENE_AUDIT_KEY", "development-only-audit-key")
else:
    CONVENE_AUDIT_KEY = env_str("CONVENE_AUDIT_KEY")
    if len(CONVENE_AUDIT_KEY) < 32 or CONVENE_AUDIT_KEY.startswith("development-only"):
        raise ImproperlyConfigured(
            "CONVENE_AUDIT_KEY must be a random string of at least 32 characters"
        )
# Two-factor sign-in is always on, except in a development demo that asks to skip it.
CONVENE_DEMO_SKIP_2FA = env_bool("CONVENE_DEMO_SKIP_2FA", False)
if CONVENE_DEMO_SKIP_2FA and not DEVELOPMENT:
    raise ImproperlyConfigured(
        "CONVENE_DEMO_SKIP_2FA is only allowed when CONVENE_DEVELOPMENT is true"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEVELOPMENT else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names Convene is served on")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    # django.contrib.staticfiles, leaving GOV.UK Frontend's sources out of collectstatic.
    "convene.core.staticfiles.StaticFilesConfig",
    "govuk_frontend_django",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "ninja",
    "convene.core",
    "convene.audit",
    "convene.accounts",
    "convene.api",
    "convene.people",
    "convene.policy",
    "convene.clocks",
    "convene.reminders",
    "convene.referrals",
    "convene.discussions",
    "convene.notify",
    "convene.records",
    "convene.followup",
    "convene.reporting",
    "convene.agencychecks",
    "convene.allocation",
    "convene.returns",
]

MIDDLEWARE = [
    # First: an id for every request, and one JSON log line for it (convene/core/jsonlog.py).
    "convene.core.jsonlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "convene.accounts.idle_middleware.extend_idle_session",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "convene.accounts.middleware.RequireTwoFactorMiddleware",
    "convene.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form token or Idempotency-Key sent again gets the first answer (convene/core/once.py).
    "convene.core.once_middleware.OncePerSubmissionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so it can turn a refused sign-in into the "locked out" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "convene.urls"
WSGI_APPLICATION = "convene.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "convene" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "convene.navigation.service",
                "convene.reminders.context_processors.notifications",
            ],
            "builtins": [
                "govuk_frontend_django.templatetags.govuk_frontend_django",
                # {% csrf_token %} also writes the form's one-time token (convene/core/once.py).
                "convene.core.templatetags.once_forms",
                # GOV.UK dates: {{ value|govuk_date }} (convene/core/dates.py).
                "convene.core.templatetags.dates",
                # {% why citation %}: citations behind a "Why?" details component.
                "convene.core.templatetags.plain",
            ],
        },
    }
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'convene.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# An index's INCLUDE columns (``invitation_person_newest``) serve PostgreSQL's index-only
# reads; SQLite builds the index without them, which is all it needs, so its warning
# that it does would only be noise on every command of the zero-set-up default.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "people.Professional"
# Axes first: it refuses a locked-out username before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on: answers only a provider's callback (convene/accounts/oidc.py).
    "convene.accounts.oidc.ProviderBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "people:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# GOV.UK dates ("23 April 2015") for any date a template prints without a format.
FORMAT_MODULE_PATH = ["convene.formats"]
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# GOV.UK Frontend comes from the npm registry (package.json); its compiled CSS
# asks for fonts and images under /assets/, which WhiteNoise serves from the
# package's own folder.
GOVUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "govuk-frontend"
# The accessible autocomplete (alphagov, npm) turns long people selects into a search box.
AUTOCOMPLETE_DIR = BASE_DIR / "node_modules" / "accessible-autocomplete" / "dist"
STATICFILES_DIRS = [
    ("govuk-frontend", GOVUK_FRONTEND_DIR),
    ("accessible-autocomplete", AUTOCOMPLETE_DIR),
]
WHITENOISE_ROOT = GOVUK_FRONTEND_DIR / "dist" / "govuk"
# Development serves straight from the app and package folders, so no collectstatic
# step is needed before `make run`. Production (`convene serve --production`, the
# Containerfile) collects into STATIC_ROOT with hashed names and gzip/Brotli copies,
# which WhiteNoise serves with year-long cache headers.
CONVENE_STATIC_MANIFEST = env_bool("CONVENE_STATIC_MANIFEST", not DEVELOPMENT)
WHITENOISE_USE_FINDERS = not CONVENE_STATIC_MANIFEST
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if CONVENE_STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# GOV.UK Frontend's own CSS asks for fonts and images by relative URL; leave those as
# they are rather than fail the collection on a file the package does not ship.
WHITENOISE_MANIFEST_STRICT = False

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# `convene worker` enqueues each of these (dotted task path: seconds) once per slot.
CONVENE_SWEEP_SECONDS = env_int("CONVENE_SWEEP_SECONDS", 60, minimum=1)
CONVENE_PERIODIC_TASKS = {
    "convene.clocks.tasks.sweep": CONVENE_SWEEP_SECONDS,
    "convene.reminders.tasks.prune_task_results": 24 * 60 * 60,
    "convene.reminders.tasks.recover_stale_tasks": 60,
    "convene.core.tasks.prune_once_keys": 60 * 60,
    "convene.audit.tasks.write_anchor": env_int("CONVENE_AUDIT_ANCHOR_SECONDS", 600, minimum=1),
    # Webhook retries (docs/api.md): a delivery that failed is tried again when due.
    "convene.api.tasks.send_webhooks": 60,
}
# Webhooks: attempts before a delivery gives up (then shown as failed in its log), and
# whether plain http:// to this machine (127.0.0.1, localhost) is allowed: development only.
CONVENE_WEBHOOK_MAX_ATTEMPTS = env_int("CONVENE_WEBHOOK_MAX_ATTEMPTS", 6, minimum=1)
CONVENE_WEBHOOK_ALLOW_LOCAL_HTTP = DEVELOPMENT
# A task RUNNING for longer than this was left by a worker that died: it is queued again
# (keep it above the longest task; running one twice is harmless, docs/decisions/0002), and
# failed instead once it has been claimed CONVENE_TASK_MAX_CLAIMS times.
CONVENE_TASK_STALE_SECONDS = env_int("CONVENE_TASK_STALE_SECONDS", 900, minimum=1)
CONVENE_TASK_MAX_CLAIMS = env_int("CONVENE_TASK_MAX_CLAIMS", 3, minimum=1)
# Each worker writes a heartbeat row this often; /readyz fails once no worker has
# beaten for CONVENE_READY_HEARTBEAT_MINUTES.
CONVENE_HEARTBEAT_SECONDS = env_int("CONVENE_HEARTBEAT_SECONDS", 30, minimum=1)
CONVENE_READY_HEARTBEAT_MINUTES = env_int("CONVENE_READY_HEARTBEAT_MINUTES", 5, minimum=1)
# The append-only file the worker adds the audit chain's head to; `convene audit verify`
# checks the latest line. Keep it where the database's users cannot write (docs/security.md).
CONVENE_AUDIT_ANCHOR_FILE = env_str("CONVENE_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.log"))
# Emails: tries before a delivery is marked failed, the first back-off (doubling,
# capped at an hour), and how long a claimed email is left to its sender before
# another worker may treat it as in doubt (keep it well above EMAIL_TIMEOUT).
# API tokens expire this many days after they are made (issue 12 point 9).
CONVENE_API_TOKEN_DAYS = env_int("CONVENE_API_TOKEN_DAYS", 90, minimum=1)
CONVENE_DELIVERY_MAX_ATTEMPTS = env_int("CONVENE_DELIVERY_MAX_ATTEMPTS", 5, minimum=1)
CONVENE_DELIVERY_RETRY_SECONDS = env_int("CONVENE_DELIVERY_RETRY_SECONDS", 60, minimum=1)
CONVENE_DELIVERY_LEASE_SECONDS = env_int("CONVENE_DELIVERY_LEASE_SECONDS", 300, minimum=1)
# How long a form token or API Idempotency-Key is remembered (default 24 hours).
CONVENE_ONCE_KEY_HOURS = env_int("CONVENE_ONCE_KEY_HOURS", 24, minimum=1)
# The address Convene is served at, for links in emails and calendar invitations
# (default: the first allowed host, over HTTPS).
SITE_URL = env_str(
    "SITE_URL", "http://127.0.0.1:8000" if DEVELOPMENT else f"https://{ALLOWED_HOSTS[0]}"
)

# Email: the console by default; SMTP with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# and EMAIL_HOST...; GOV.UK Notify when NOTIFY_API_KEY is set (convene/notify/backends.py).
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = env_str("NOTIFY_TEMPLATE_ID", "")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "convene.notify.backends.NotifyEmailBackend"
    if NOTIFY_API_KEY
    else "django.core.mail.backends.console.EmailBackend",
)
if EMAIL_BACKEND.endswith("NotifyEmailBackend") and not (NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID):
    raise ImproperlyConfigured("GOV.UK Notify needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "convene@localhost")
# Where convene.reminders.backends.SpoolEmailBackend writes each message, once.
EMAIL_SPOOL_DIR = env_str("EMAIL_SPOOL_DIR", str(VAR_DIR / "mail"))

# Single sign-on with OpenID Connect providers (docs/operations.md, "Single sign-on"):
# CONVENE_OIDC_PROVIDERS=council,police, then per name CONVENE_OIDC_<NAME>_ISSUER, _CLIENT_ID,
# _CLIENT_SECRET_FILE, _LABEL, _TRUST_MFA and _MFA_ACR.
CONVENE_OIDC_PROVIDERS: dict[str, dict[str, Any]] = {}
for _name in filter(None, (n.strip() for n in env_str("CONVENE_OIDC_PROVIDERS", "").split(","))):
    if not re.fullmatch(r"[a-z][a-z0-9]{0,29}", _name):
        raise ImproperlyConfigured(
            f"CONVENE_OIDC_PROVIDERS: {_name!r} must be lower-case letters and digits"
        )
    _prefix = f"CONVENE_OIDC_{_name.upper()}"
    CONVENE_OIDC_PROVIDERS[_name] = {
        "issuer": env_str(f"{_prefix}_ISSUER").rstrip("/"),
        "client_id": env_str(f"{_prefix}_CLIENT_ID"),
        "client_secret": env_str(f"{_prefix}_CLIENT_SECRET"),  # read from _CLIENT_SECRET_FILE
        "label": env_str(f"{_prefix}_LABEL", _name.title()),
        "trust_mfa": env_bool(f"{_prefix}_TRUST_MFA", False),
        "mfa_acr": env_str(f"{_prefix}_MFA_ACR", "").replace(",", " ").split(),
    }
CONVENE_OIDC_TIMEOUT_SECONDS = env_int("CONVENE_OIDC_TIMEOUT_SECONDS", 10, minimum=1)
# How long each process keeps a provider's discovery document (0: fetch it every sign-in).
CONVENE_OIDC_DISCOVERY_CACHE_SECONDS = env_int(
    "CONVENE_OIDC_DISCOVERY_CACHE_SECONDS", 3600, minimum=0
)
# mozilla-django-oidc's own settings, the same for every provider.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # never: an email must match an existing Professional
OIDC_TIMEOUT = CONVENE_OIDC_TIMEOUT_SECONDS
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"

SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
# The idle time-out: a signed-in session is extended at most once a minute
# (convene/accounts/idle_middleware.py), not written on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # shared devices: closing the browser signs out
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEVELOPMENT:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers probe these over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Proxies in front of Convene that append to X-Forwarded-For (0: use the socket address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Lock-out (django-axes): after AXES_FAILURE_LIMIT wrong passwords or codes for one
# username from one address, refuse that pair for 30 minutes. Per pair, not per
# username alone, so a stranger cannot lock a duty social worker out from elsewhere
# and one person's typos cannot lock out a whole office behind one NAT address.
# The cool-off is not restarted by further tries. Guessing from many addresses
# still meets the second factor, which django-otp throttles per device.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "convene.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "convene.core.net.client_ip"
# Never keep the code or the CSRF token a failed attempt sent (passwords are always masked).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "csrfmiddlewaretoken"]
AXES_VERBOSE = False

# Two-factor (django-otp, TOTP authenticator apps).
OTP_TOTP_ISSUER = "Convene"
TWO_FACTOR_PENDING_SECONDS = 5 * 60  # between the password and the code

# Requests larger than this are refused with a "too large" page (413), not read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

# Content Security Policy (django-csp 4): nothing inline, nothing from elsewhere.
# The only relaxation is for Swagger UI at /api/docs (see docs/security.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CSRF_FAILURE_VIEW = "convene.core.error_pages.csrf_failure"

SERVICE_NAME = "Convene"
# The partnership running this Convene, shown in the header of every page (and emails).
CONVENE_PARTNERSHIP_NAME = env_str("CONVENE_PARTNERSHIP_NAME", "")

# Logs go to standard error. LOG_FORMAT=json (the default outside development) writes
# one JSON object per line: a line per request and per task (convene/core/jsonlog.py).
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEVELOPMENT else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "convene.core.jsonlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Axes logs every attempt at INFO; failures and lock-outs (WARNING) are what
        # matter, and every sign-in is in the audit log anyway.
        "axes": {"level": "WARNING"},
        # The request line replaces Django's own (which names the path) and the task
        # line replaces django-tasks' (which names the arguments' ids, not the outcome).
        "django.server": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # Development keeps the console quiet: the development server prints each request.
        "convene.request": {"level": LOG_LEVEL if LOG_FORMAT == "json" else "WARNING"},
    },
}
