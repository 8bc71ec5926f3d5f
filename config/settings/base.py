"""Settings shared by every environment, read from the environment with django-environ.

Policy values (retention, purposes, timeouts, caps) are NOT settings: they live in the
``policy`` app so the agency can change them, audited, without a deploy.
"""
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "django_celery_beat",
    "core",
    "policy",
    "audit",
    "accounts",
    "alpr",
    "ingest",
    "searches",
    "hotlists",
    "retention",
    "sharing",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.QueryStringMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their cache headers; every other response is never stored.
    "core.middleware.NoStoreMiddleware",
    # Camera uploads (namespace camera_api) stop here: the browser middleware below is not for them.
    "ingest.middleware.CameraEndpointMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.AccessGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ApplicationErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.site",
            ],
            "builtins": ["core.templatetags.dates"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/alpr")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# Each process logs in as the user of its DATABASE_URL and stays that user. Web, worker, scheduler
# and the demo data log in as the application's own role, which owns nothing and is a member of no
# role (core/migrations/0001, 0003); only migrations log in as the owner, in their own step.
# The migrations create that role with this name and give it this password (none: it can only log
# in where PostgreSQL trusts local connections, as with `make run`).
DATABASE_APP_ROLE_NAME = env("DATABASE_APP_ROLE_NAME", default="alpr_app")
DATABASE_APP_PASSWORD = env("DATABASE_APP_PASSWORD", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.ApprovedAccountBackend",
]
# PBKDF2 first: FIPS-approved, which CJIS audits ask for.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.PolicyMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.PasswordHistoryValidator"},
]
# Breached-password check against the Pwned Passwords range API (k-anonymity: only a hash prefix
# leaves the machine). Falls back to the common-password list when the API cannot be reached.
if env.bool("ALPR_BREACHED_PASSWORD_CHECK", default=True):
    AUTH_PASSWORD_VALIDATORS.append({"NAME": "pwned_passwords_django.validators.PwnedPasswordsValidator"})
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Idle and absolute timeouts come from the policy and are enforced by accounts.middleware;
# this is only the browser cookie's ceiling.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: the failure limit and window come from the policy; a lockout is released only by
# an administrator, so there is no cool-off.
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = None
# Failures are forgotten only when the second factor passes (accounts.events), never at the
# password step: otherwise whoever knows the password could guess codes without end.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out_response"
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_VERBOSE = False
# axes.W006 warns that locking by login name alone lets a caller rotate addresses; that is the
# point here: CJIS 5.5.3 locks the *account* after 5 failures, whichever address they come from.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Passkeys (django-otp-webauthn) are a second factor only, never a way to skip the password.
# The relying-party id is the host name the passkeys belong to (a domain, never an IP address:
# browsers refuse those), and the origins are every address people open the site at: https, or
# http://localhost for development (a bare http://127.0.0.1 cannot hold a passkey).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_ID = env("WEBAUTHN_RP_ID", default="localhost")
OTP_WEBAUTHN_RP_NAME = env("WEBAUTHN_RP_NAME", default="ALPR")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("WEBAUTHN_ALLOWED_ORIGINS", default=["http://localhost:8000"])

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("AGENCY_TIME_ZONE", default="America/Chicago")
USE_I18N = False
USE_TZ = True
# One way to write dates and times on every page (core/dates.py).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# ALPR images are never served by a static/media URL: only through the access layer's views.
MEDIA_ROOT = Path(env("ALPR_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
EVIDENCE_ROOT = Path(env("ALPR_EVIDENCE_ROOT", default=str(BASE_DIR / "var" / "evidence")))
# Signed sharing declarations (sharing.models.Declaration): agency documents, kept apart from reads.
SHARING_DOCUMENTS_ROOT = Path(env("ALPR_SHARING_DOCUMENTS_ROOT",
                                  default=str(BASE_DIR / "var" / "sharing-documents")))
# Where images, evidence packages and declarations are stored (alpr/storage.py, docs/storage.md):
# "local" (the directories above) or "s3" (an S3-compatible object store, one bucket, signed requests).
ALPR_STORAGE_BACKEND = env("ALPR_STORAGE_BACKEND", default="local")
ALPR_S3_ENDPOINT_URL = env("ALPR_S3_ENDPOINT_URL", default="")
ALPR_S3_BUCKET = env("ALPR_S3_BUCKET", default="")
ALPR_S3_ACCESS_KEY_ID = env("ALPR_S3_ACCESS_KEY_ID", default="")
ALPR_S3_SECRET_ACCESS_KEY = env("ALPR_S3_SECRET_ACCESS_KEY", default="")
ALPR_S3_REGION = env("ALPR_S3_REGION", default="us-east-1")

# Keys that partner agencies issued to our people for their partner APIs are stored encrypted with
# these Fernet keys (sharing.partner_keys): the first encrypts, every one decrypts, so a new key is put
# first and `manage.py partner_keys_rotate` re-encrypts before the old one is dropped. Kept outside the
# database on purpose: a copy of the database alone does not give the keys away.
PARTNER_KEY_ENCRYPTION_KEYS = env.list("ALPR_PARTNER_KEY_ENCRYPTION_KEYS", default=[])

CELERY_BROKER_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# django-celery-beat's database scheduler behind a lock, so one scheduler runs across every host; a
# second one waits and takes over when the first stops or dies (core/scheduler.py).
CELERY_BEAT_SCHEDULER = "core.scheduler:SingleScheduler"
SCHEDULER_LOCK_KEY = env("ALPR_SCHEDULER_LOCK_KEY", default="alpr:scheduler-lock")
SCHEDULER_LOCK_TTL_SECONDS = env.float("ALPR_SCHEDULER_LOCK_TTL_SECONDS", default=30.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsVerifiedActiveUser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Accountable ALPR API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Only the network part of this is configuration; whether it is enforced is policy.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Where those proxies connect from: X-Forwarded-For from any other address is ignored (core.net).
TRUSTED_PROXY_NETWORKS = env.list("TRUSTED_PROXY_NETWORKS", default=["127.0.0.1/32", "::1/128"])

# The portal's public forms (a report, a comment on a policy text): accepted submissions per client
# address and form, as django-ratelimit's "count/period" (h, m, s). Operational, not agency policy.
# Counted in Redis so every web worker shares one count; the default cache stays per process.
PORTAL_SUBMISSION_RATE = env("PORTAL_SUBMISSION_RATE", default="5/h")
# Wrong secrets sent with one real partner key id that are each recorded (flagged) in a window; past it,
# one entry says they keep coming (sharing/auth.py).
PARTNER_WRONG_SECRET_RATE = env("PARTNER_WRONG_SECRET_RATE", default="5/h")
# Refused uploads of one camera credential (revoked, camera retired, wrong network) audited in a window;
# past it, one entry says they keep coming (ingest/auth.py).
CAMERA_REFUSAL_AUDIT_RATE = env("CAMERA_REFUSAL_AUDIT_RATE", default="20/h")
RATELIMIT_USE_CACHE = "ratelimit"
# An IPv6 client is counted by its network of this many bits (a subscriber is given a whole /64).
RATELIMIT_IPV6_MASK = env.int("RATELIMIT_IPV6_MASK", default=64)
RATELIMIT_FAIL_OPEN = True
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL", default="redis://127.0.0.1:6379/0"),
        "KEY_PREFIX": "ratelimit",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    },
}

AGENCY_NAME = env("AGENCY_NAME", default="Example Police Department")

# E-mail (reminders, notices to partner agencies and to the oversight contact; all sent with Django's
# send_mail) from one URL, as django-environ reads it: smtp://host:25, smtp+tls://user:password@host:587
# (STARTTLS), smtp+ssl://user:password@host:465; user and password URL-encoded; consolemail:// prints
# them instead. Default: a mail relay on this host. Sending gives up after EMAIL_TIMEOUT seconds.
_email = env.email_url("EMAIL_URL", default="smtp://localhost:25")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ALPR <alpr@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# A folder that NCIC, LEADS and CSV hot files are dropped into (subfolders ncic/, leads/, csv/);
# empty: no scheduled import.
HOTLIST_IMPORT_DIR = env("HOTLIST_IMPORT_DIR", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every step of a PDF at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

from config.schedule import BEAT_SCHEDULE

CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
