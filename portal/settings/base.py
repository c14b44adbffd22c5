"""Settings shared by every environment, read from the environment.

Each variable is listed in the README. Values that have a safe default for a
developer's machine get it here; production.py removes the defaults of secrets.
"""

from pathlib import Path

import environ
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from redis.backoff import NoBackoff
from redis.retry import Retry

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "translated_fields",
    "portal",
    "programmes",
    "consortia",
    "applications",
]

MIDDLEWARE = [
    # First: the time a request arrived, which deadlines are judged by (portal/arrival.py).
    "portal.arrival.ArrivalTimeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.timezones.StaffTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# A header the proxy in front sets with the time it received the request (e.g. `X-Request-Start`):
# the arrival time then includes the wait in the application server's queue. Only behind a proxy
# that overwrites the header: a client could send it too. Empty: our own clock only.
ARRIVAL_TIME_HEADER = env.str("ARRIVAL_TIME_HEADER", default="")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Without DATABASE_URL the portal runs on a SQLite file: the zero-set-up demo.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the dashboard's aggregates for longer than they run (about 0.8 s
    # of a 1 s query at 100,000 applications); the portal's queries are short: no JIT.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Permissions, and Django's own authenticate() with e-mail and password...
    "django.contrib.auth.backends.ModelBackend",
    # ...every login, the admin's included, goes through allauth, which adds
    # verification, rate limits and the second factor (portal/admin_security.py).
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
# After logging in (and after verifying the address), the applicant's own page.
LOGIN_REDIRECT_URL = "my_portal"

# Applicant accounts (django-allauth): e-mail and password, no username; an
# account cannot log in until its e-mail address is verified.
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up and password reset answer the same page whether or not an address
# has an account, so neither tells a stranger who applies for grants here. The
# applicant who forgot they have an account is told by e-mail instead: sign-up
# with a registered address mails its owner "you already have an account: log
# in or reset your password", and a password reset for an unknown address mails
# "no account has this address: sign up". Each case thus writes one e-mail to
# the outbox (portal.adapters.AccountAdapter.send_mail), sent after the request,
# so neither the work done nor an SMTP outage tells them apart. Those e-mails
# reach only the address typed in, which sign-up can already write to; the rate
# limits below bound how many.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# Lazy, so each e-mail carries the portal's name in the language it is written in.
ACCOUNT_EMAIL_SUBJECT_PREFIX = format_lazy("[{}] ", _("SME internationalisation portal"))
# allauth's defaults, written out. Failed logins: 5 per address per 5 minutes
# stops guessing one account's password; 10 a minute per IP address stops
# trying one password on many accounts without locking out an office whose
# staff share one address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# Behind a reverse proxy every request comes from the proxy's address; the IP
# rate limits then need the number of proxies that append to X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

# Staff two-factor (allauth.mfa): an authenticator app (TOTP) plus one-time
# recovery codes for a lost phone. No security keys (WebAuthn) for now.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The name the authenticator app shows next to the code.
MFA_TOTP_ISSUER = "SME internationalisation portal"
MFA_TOTP_PERIOD = 30
MFA_TOTP_DIGITS = 6
MFA_RECOVERY_CODE_COUNT = 10
MFA_RECOVERY_CODE_DIGITS = 8
# The admin opens only to active staff who have set up an authenticator app and
# whose session passed the second factor (portal/admin_security.py). Only the
# demo (local.py) and the test suite (test.py) may turn this off; production.py
# forces it on.
ADMIN_REQUIRE_TWO_FACTOR = True

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Stored datetimes are UTC; pages show each call in its agency's zone.
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds an SMTP conversation may hang before the send gives up (and is retried later). The
# outbox also reads it: a send claimed for longer than this (plus a margin) was never confirmed.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Redis: Celery broker and result store, and the cache. Without REDIS_URL tasks
# run eagerly in the web process and the cache is per-process memory.
REDIS_URL = env.str("REDIS_URL", default="")
# How long a request may wait on a dead or hung Redis (seconds), for the cache and for handing a
# task to the broker. Redis answers in a millisecond; these only bound the failure.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)


def redis_cache(url: str) -> dict:
    """The cache on Redis that falls back to the process's memory while Redis is down (portal/cache.py)."""
    return {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
            # Seconds during which a process that found Redis down does not try it again.
            "RETRY_AFTER": 5,
            # The longest an entry lives in a process's memory during an outage.
            "FALLBACK_TIMEOUT": 60,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                # No retries inside a request: the fallback answers instead.
                "retry": Retry(NoBackoff(), 0),
            },
        }
    }


if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    CACHES = redis_cache(REDIS_URL)
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks store no results: nothing reads them, and a result store that is down would make each
# `.delay()` wait about 19 s on its retries. (A caller that wants one asks for it:
# `.apply_async(..., ignore_result=False)`, as the worker tests do.)
CELERY_TASK_IGNORE_RESULT = True
# Handing a task over fails fast when the broker is down: one quick retry, short socket
# timeouts. The caller leaves its row for the sweep (outbox, reports) and answers.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
# A task that runs away is stopped: soft limit raises inside the task, hard kills it.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Late acknowledgement is opted into per task (only idempotent ones), not globally.
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Above the longest countdown or ETA we schedule (one day), so Redis does not
# hand an unacknowledged task to a second worker while the first still holds it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60 * 26,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60 * 26}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Reports built in the background (applications.reports): a running report whose heartbeat is
# older than this has lost its worker and is marked failed; a queued one older than the second
# was never picked up (the broker was down) and is sent again. Checked every minute by beat.
REPORT_HEARTBEAT_STALE_SECONDS = env.int("REPORT_HEARTBEAT_STALE_SECONDS", default=180)
REPORT_QUEUED_STALE_SECONDS = env.int("REPORT_QUEUED_STALE_SECONDS", default=600)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The token a monitor sends (`Authorization: Bearer …`) to read /health/detail/ without signing in;
# empty: only staff signed in to the administration may read it.
HEALTH_TOKEN = env.str("HEALTH_TOKEN", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The PDF library logs every layout step of every receipt and report at INFO, and its font
        # library every font it subsets: seven lines a receipt in the worker's log, which buries what matters.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Content-Security-Policy (django-csp), on every response. Scripts come only from
# the portal's own static files: no inline script, no event-handler attribute, no
# eval (htmx's eval is switched off in base.html). Styles likewise: no <style>
# element, and no style="" attribute. Images may be data:
# URIs: Bootstrap draws its icons (menu, select arrow, check marks) with them and
# the authenticator QR code is one. Nothing is embedded, and no page may frame ours.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Marks the environment; seed_demo refuses to run where this is "production".
PORTAL_ENVIRONMENT = "development"

# Local number formats where the public administration differs from the defaults.
FORMAT_MODULE_PATH = ["portal.formats"]

# De minimis (Regulation (EU) 2023/2831): ceiling per single undertaking over
# a rolling period of three years.
DE_MINIMIS_CEILING = env.str("DE_MINIMIS_CEILING", default="300000.00")
DE_MINIMIS_YEARS = 3

# The portal's public address, for links in e-mails sent outside a request.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Uploaded documents and receipts: stored outside any public URL, served only
# through views that check who asks.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
