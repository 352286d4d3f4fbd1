"""Settings for Innovate, read from the environment (one file for every place it runs)."""

import os
import secrets
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG")
TESTING = "pytest" in sys.modules or env_flag("INNOVATE_TESTING")

# Management commands that serve nothing (migrate, check, ...) may run without a key: they
# get a random one that signs nothing that lasts. Serving without a key stops at start-up, and
# so do the worker and the reminder command: the unsubscribe links in their emails are signed
# with the key and must still be valid when the web servers read them.
SIGNING_COMMANDS = {"runserver", "qcluster", "send_reminders"}
ADMIN_COMMAND = (
    Path(sys.argv[0]).name == "manage.py"
    and len(sys.argv) > 1
    and sys.argv[1] not in SIGNING_COMMANDS
)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-local-development-key-never-use-in-production"
    elif ADMIN_COMMAND:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string, or set DJANGO_DEBUG=1 to run locally in debug mode."
        )

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
CSRF_FAILURE_VIEW = "innovate.pages.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "simple_history",
    "csp",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # The API's documentation page, served from its own static files rather than a CDN.
    "ninja",
    "stages",
    "assessments",
    "networks",
    "search",
    "signins",
    "django_q",
    "notifications",
    "apitokens",
    "attachments",
    "innovate",
]

MIDDLEWARE = [
    # First: an oversized body is refused before anything (CSRF, sessions, uploads) reads it.
    "innovate.middleware.RequestSizeMiddleware",
    "innovate.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "innovate.replica.ReplicaMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "innovate.middleware.CurrentRequestMiddleware",
    "innovate.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "innovate.middleware.TwoStepRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "innovate.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "innovate.urls"
WSGI_APPLICATION = "innovate.wsgi.application"

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
                "csp.context_processors.nonce",
                "innovate.context_processors.organisation",
            ],
            "builtins": ["innovate.templatetags.innovate_tags"],
        },
    },
]

# PostgreSQL when DATABASE_URL is set; an embedded SQLite file otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
# In production on PostgreSQL, each worker process keeps a small pool of connections (Django's
# own, psycopg-pool) instead of one persistent connection: a connection broken by a database
# restart is replaced, not handed to a request. A sync gunicorn worker serves one request at a
# time, so two connections each are enough (DATABASE_POOL_SIZE); the server must allow
# WEB_CONCURRENCY × that size for every app server. Off in debug and tests (DATABASE_POOL=0
# turns it off anywhere).
DATABASE_POOL = env_flag("DATABASE_POOL", default=not (DEBUG or TESTING))
if DATABASE_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections instead
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "2")),
        "timeout": 10,
    }

# An optional read replica of PostgreSQL (DATABASE_REPLICA_URL): the dashboards, exports and
# API reads go there, except for a person who wrote in the last few seconds
# (innovate.replica). Tests use Django's test mirror of the default database instead.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if "pool" in DATABASES["default"].get("OPTIONS", {}):
        DATABASES["replica"].setdefault("OPTIONS", {})["pool"] = dict(
            DATABASES["default"]["OPTIONS"]["pool"]
        )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
elif TESTING:
    # The tests' replica is Django's test mirror of the default database: a connection of its
    # own to the same database. Only the tests of the routing read from it (READ_FROM_REPLICA).
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
READ_FROM_REPLICA = env_flag("READ_FROM_REPLICA", default=not TESTING)
DATABASE_ROUTERS = ["innovate.replica.ReplicaRouter"]
# Seconds after a person's last write during which their reads stay on the primary.
REPLICA_LAG_SECONDS = int(os.environ.get("REPLICA_LAG_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache of rendered pages (innovate.caching). CACHE_URL names a Redis-compatible server
# (Valkey in docker compose, redis-server in CI) that every app server shares, so a page built
# by one is served by all and sessions are read from it; `make run` and a single server keep
# each worker's own memory. Keys include the version of what a page shows, so no entry is ever
# stale; entries expire after a quarter of an hour unread.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHE_MAX_BYTES = 32 * 1024 * 1024
CACHE_MAX_ENTRY_BYTES = 1024 * 1024
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "innovate"),
            "TIMEOUT": 15 * 60,
        }
    }
else:
    # Each worker keeps its own, capped by count and by size so a worker stays small whatever
    # its viewers ask for (an entry over the entry limit is not kept; the least recently used
    # go first).
    CACHES = {
        "default": {
            "BACKEND": "innovate.caching.BoundedLocMemCache",
            "OPTIONS": {
                "MAX_ENTRIES": 200,
                "MAX_BYTES": CACHE_MAX_BYTES,
                "MAX_ENTRY_BYTES": CACHE_MAX_ENTRY_BYTES,
            },
        }
    }

# Limits a real service never reaches, so that no one can make a page or a worker grow
# without bound; each refusal says which limit it met.
# Requests one API token may make in a minute; the next is answered 429 with Retry-After.
API_REQUESTS_PER_MINUTE = int(os.environ.get("API_REQUESTS_PER_MINUTE", "120"))

MAX_PARTS_PER_INNOVATION = 500
MAX_MOVES_PER_PART = 2000

# axes first, so a locked-out username or email is refused before any password is checked;
# allauth's backend signs in with a username or an email address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in lockout (innovate/lockout.py): failures counted per username across every address;
# after 5 the username waits 15 minutes, each further failure doubling the wait up to a day.
# Failures are remembered for a day; a successful sign-in or a completed reset forgets them.
# One address failing 50 times in an hour, across any usernames, waits an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(days=1)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_HANDLER = "innovate.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "innovate.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "innovate.clients.client_address"
# An email address typed to sign in counts against the account it belongs to, so failures by
# username and by email add up to one lockout.
AXES_USERNAME_CALLABLE = "innovate.lockout.username_of"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
SIGN_IN_FIRST_WAIT = timedelta(minutes=15)
SIGN_IN_LONGEST_WAIT = timedelta(days=1)
SIGN_IN_FAILURE_LIMIT_PER_ADDRESS = 50
SIGN_IN_ADDRESS_WINDOW = timedelta(hours=1)
# axes warns when "ip_address" is not a lockout parameter. The handler counts each address
# itself, with its own limit; as a parameter, five failures would lock out a whole office behind
# one address, and one sign-in from it would wipe everyone's failures from there.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sign-in through django-allauth: a username or an email address with a password, two-step
# sign-in (an authenticator app and recovery codes), and each organisation's own OpenID Connect
# provider (stages.SignInSettings, read by innovate.accounts.adapters). Nobody signs up on
# their own: an account comes from an invitation or a work account the organisation allows.
ACCOUNT_ADAPTER = "innovate.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "innovate.accounts.adapters.WorkAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Innovate"
MFA_RECOVERY_CODE_COUNT = 10

# Password reset requests (stages/resets.py), counted in the database so every server sees
# them: at most 3 links to one address and 20 requests from one client in an hour.
PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
PASSWORD_RESET_LIMIT_PER_CLIENT = 20
PASSWORD_RESET_WINDOW = timedelta(hours=1)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence documents (attachments/) are stored through the default storage and served only by
# an access-checked view, never from a public address: there is no MEDIA_URL route. The local
# folder is FILES_ROOT (outside static/); with FILES_S3_BUCKET set, any S3-compatible store
# (Amazon S3, MinIO, ...) through django-storages, its address and keys from the environment.
FILES_ROOT = Path(os.environ.get("FILES_ROOT", str(BASE_DIR / "uploads")))
if TESTING and "FILES_ROOT" not in os.environ:
    FILES_ROOT = Path(tempfile.mkdtemp(prefix="innovate-test-files-"))
if os.environ.get("FILES_S3_BUCKET"):
    FILES_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["FILES_S3_BUCKET"],
            "endpoint_url": os.environ.get("FILES_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("FILES_S3_REGION") or None,
            "access_key": os.environ.get("FILES_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("FILES_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": os.environ.get("FILES_S3_ADDRESSING_STYLE") or None,
        },
    }
else:
    FILES_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": FILES_ROOT, "base_url": None},
    }
STORAGES = {
    "default": FILES_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A request body larger than this is refused (400) before it is read: ten times the largest
# file the product takes (a readings CSV, 1 MB) ...
MAX_REQUEST_BYTES = 10 * 1024 * 1024
# ... except on the pages that take an evidence document (innovate.http.takes_files): a file
# of at most ATTACHMENT_MAX_BYTES and the form's few fields.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "20")) * 1024 * 1024
MAX_FILE_REQUEST_BYTES = ATTACHMENT_MAX_BYTES + 1024 * 1024
# What one organisation's files in use may take together.
ATTACHMENT_QUOTA_BYTES = int(os.environ.get("ATTACHMENT_QUOTA_MB", "200")) * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Sessions end after an idle hour (innovate.middleware renews them); a warning comes first.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60)))
SESSION_SAVE_EVERY_REQUEST = False
# Sessions live in the database, so signing out, deactivation and a new password end a session
# on every app server at once. With a shared cache (CACHE_URL) they are read from it and written
# through to the database (cached_db): every server reads the same copy, and ending a session
# (stages.people.end_sessions) removes it from both. A copy in each worker's own memory would
# keep signed-out sessions alive on the other workers, so without a shared cache the database
# alone holds them.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)

# HTTPS-only settings, relaxed for a plain-http local trial by INNOVATE_ALLOW_HTTP=1.
ALLOW_HTTP = DEBUG or TESTING or env_flag("INNOVATE_ALLOW_HTTP")
SECURE_SSL_REDIRECT = not ALLOW_HTTP
SESSION_COOKIE_SECURE = not ALLOW_HTTP
CSRF_COOKIE_SECURE = not ALLOW_HTTP
SECURE_HSTS_SECONDS = 0 if ALLOW_HTTP else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not ALLOW_HTTP
SECURE_HSTS_PRELOAD = not ALLOW_HTTP
# Believed only from TRUSTED_PROXIES: innovate.middleware.TrustedProxyMiddleware removes the
# header from every other request before SecurityMiddleware reads it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The addresses of the reverse proxies in front of the app (comma-separated). Headers a proxy
# sets (the client's address, whether the request came over HTTPS) are believed only when the
# request comes from one of these; with none set, no such header is believed.
TRUSTED_PROXIES = [a.strip() for a in os.environ.get("TRUSTED_PROXIES", "").split(",") if a.strip()]
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or TESTING
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "innovate@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: the folder to write to.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or None
# The address emails link to (reminders, digests and invitations are sent outside a request).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Scheduled jobs (reminders, digests, calendar invitations): django-q2 with the database as
# its broker, run by `manage.py qcluster`. A job that fails is tried again after `retry`
# seconds, up to `max_attempts` times; the tests run each job at once, in the caller.
Q_CLUSTER = {
    "name": "innovate",
    "orm": "default",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "ack_failures": True,
    "catch_up": False,
    "sync": TESTING,
    "save_limit": 1000,
    "guard_cycle": float(os.environ.get("Q_GUARD_CYCLE", "0.5")),
}
# How often the daily reminder job runs while developing (minutes); it sends each person each
# reminder once a day, so a run finds only what became due since the last one.
REMINDERS_EVERY_MINUTES = int(os.environ.get("REMINDERS_EVERY_MINUTES", "2"))
# Tries of one email before it is recorded as failed, and the first wait between them
# (doubled each time).
NOTIFY_SEND_TRIES = int(os.environ.get("NOTIFY_SEND_TRIES", "3"))
NOTIFY_RETRY_SECONDS = float(os.environ.get("NOTIFY_RETRY_SECONDS", "0" if TESTING else "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
FORM_RENDERER = "innovate.forms.GovukRenderer"

# Change reasons describe moves in plain words; they can be longer than 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# The benchmark's instruments (bench/timing.py); never on in production.
BENCH = env_flag("INNOVATE_BENCH")
if BENCH:
    MIDDLEWARE.insert(0, "innovate.bench.QueryTimingMiddleware")

if TESTING:
    # Hashing test passwords slowly protects nothing and costs seconds per test.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
