"""Settings, all from the environment (12-factor).

DJANGO_ENV: ``development`` (default), ``test`` or ``production``. Without DATABASE_URL /
REDIS_URL outside production, embedded PostgreSQL and Redis are started under ``.data/``
(see ``config/devservices.py``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

ENVIRONMENT = env("DJANGO_ENV", default="development")
PRODUCTION = ENVIRONMENT == "production"
TESTING = ENVIRONMENT == "test"
DEBUG = env.bool("DEBUG", default=ENVIRONMENT == "development")
# Production refuses to start on a wrong configuration: one line per problem (config/startup.py prints them).
_PROBLEMS: list[str] = []
if PRODUCTION and DEBUG:
    _PROBLEMS.append("DEBUG đang bật trong production (DEBUG=true): bỏ biến DEBUG hoặc đặt DEBUG=false.")

_DEV_SECRET = "dev-only-secret-never-use-in-production-0123456789-abcdefghijklmnop"
SECRET_KEY = env("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (
    not SECRET_KEY or SECRET_KEY == _DEV_SECRET or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    _PROBLEMS.append(
        "SECRET_KEY thiếu hoặc là giá trị mặc định/quá ngắn (cần >= 50 ký tự ngẫu nhiên) — "
        "production refuses to start without a real secret."
    )

# --- Hosts: the platform domain serves the control plane, <slug>.<BASE_DOMAIN> a tenant ---
BASE_DOMAIN = env("BASE_DOMAIN", default="" if PRODUCTION else "localhost")
if PRODUCTION and not BASE_DOMAIN:
    _PROBLEMS.append("BASE_DOMAIN thiếu: đặt tên miền của nền tảng (vd. motcua.gov.vn); "
                     "mỗi tỉnh là <slug>.<BASE_DOMAIN>.")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", *env.list("EXTRA_ALLOWED_HOSTS", default=[])]

# --- Services ---------------------------------------------------------------------------
if env("DATABASE_URL", default="") and env("REDIS_URL", default=""):
    DATABASE_URL, REDIS_URL = env("DATABASE_URL"), env("REDIS_URL")
elif PRODUCTION:
    DATABASE_URL, REDIS_URL = env("DATABASE_URL", default=""), env("REDIS_URL", default="")
    _PROBLEMS += [f"{name} thiếu: production không tự chạy dịch vụ nhúng, hãy đặt {name} (vd. {example})."
                  for name, example in (("DATABASE_URL", "postgres://motcua@db:5432/motcua"),
                                        ("REDIS_URL", "redis://redis:6379/0")) if not env(name, default="")]
else:
    # Outside production, without URLs: the embedded services of the two commands (dev tooling).
    from devtools.devservices import resolve

    _urls = resolve()
    DATABASE_URL, REDIS_URL = _urls["DATABASE_URL"], _urls["REDIS_URL"]
if _PROBLEMS:
    raise ImproperlyConfigured("\n".join(_PROBLEMS))

from core.db.urls import db_config  # noqa: E402

_db = db_config(DATABASE_URL)
_db.update(
    ENGINE="core.db",  # django-tenants' backend, minus redundant SET search_path
    CONN_MAX_AGE=env.int("CONN_MAX_AGE", default=60),
    CONN_HEALTH_CHECKS=True,
)
_db.setdefault("OPTIONS", {})["connect_timeout"] = 5
DATABASES = {"default": _db}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _celery_redis_url(url: str) -> str:
    return "redis+socket://" + url[len("unix://"):] if url.startswith("unix://") else url


CACHES = {
    # Tenant data: every key carries the schema name (django-tenants' key function).
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": "motcua",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
    # Control-plane keys that mean the same in every schema (routing version, ...).
    "platform": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "motcua-platform",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
}

# --- Tenancy ----------------------------------------------------------------------------
# Sign-in safety (core/signin): accounts live in every schema, so do their lock-outs, devices and log.
SIGNIN_APPS = ["axes", "django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static", "core.signin"]
SHARED_APPS = [
    "django_tenants",
    "control.tenancy",
    "core",  # the kernel: base templates, stylesheet, PDF font
    "core.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "core.signin.apps.SecureAdminConfig",  # django.contrib.admin, its site asking for the second factor
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django.contrib.postgres",
    "control.health",
    "control.console",
    "control.catalogue",  # national master catalogue
    "control.backups",  # per-tenant backup and restore (archives recorded in public)
    "onboarding",  # sign-up, provisioning, go-live
    "billing.leasing",  # lease contracts, invoices (public schema)
    *SIGNIN_APPS,
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "core.accounts",  # staff and citizen accounts live in each tenant's schema
    "core.audit",  # the configuration log (app label "office")
    "tenants.portal",
    "tenants.office",
    "tenants.organization",
    "tenants.calendar",
    "tenants.procedures",
    "tenants.dossiers",
    "tenants.notifications",
    "billing.fees",  # citizens' fee payments (tenant schema)
    *SIGNIN_APPS,
]
if not PRODUCTION:
    SHARED_APPS.append("devtools")  # demo_setup: dev tooling of the two commands, never in production
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenancy.Tenant"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
TENANT_BASE_SCHEMA = "tenant_template"  # new tenants are cloned from it, not migrated
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_LIMIT_SET_CALLS = True  # with config.db: SET search_path only when it changes
AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    # First, so that every answer carries them, the routing's own (unknown host, suspended tenant) included.
    "core.headers.PermissionsPolicyMiddleware",  # Permissions-Policy on every response (PERMISSIONS_POLICY)
    "core.headers.ContentSecurityPolicyMiddleware",  # django-csp, on pages only (CONTENT_SECURITY_POLICY)
    "control.tenancy.middleware.TenantRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.signin.middleware.IdleTimeoutMiddleware",  # ends a session idle for SIGNIN_IDLE_MINUTES
    "django_otp.middleware.OTPMiddleware",
    "core.signin.middleware.SecondFactorMiddleware",  # who must give a second factor gives it first
    "core.signin.middleware.NoStoreMiddleware",  # staff pages, files and exports never kept in a cache
    "core.audit.actor.ActorMiddleware",  # who changes a tenant's configuration (core.audit.actor)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into its page (core.signin.lockout)
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],  # templates live with the app that renders them
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "control.tenancy.context_processors.tenant",
            ],
        },
    },
]
WSGI_APPLICATION = "config.wsgi.application"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# --- Sign-in safety (core/signin) -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account or address before any password check
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out: per account after SIGNIN_FAILURES_PER_ACCOUNT failures, per address after SIGNIN_FAILURES_PER_IP
# (a province's counters share one address), for SIGNIN_LOCKOUT_MINUTES; each tenant's in its own schema.
SIGNIN_FAILURES_PER_ACCOUNT = env.int("SIGNIN_FAILURES_PER_ACCOUNT", default=5)
SIGNIN_FAILURES_PER_IP = env.int("SIGNIN_FAILURES_PER_IP", default=30)
SIGNIN_LOCKOUT_MINUTES = env.int("SIGNIN_LOCKOUT_MINUTES", default=15)
SIGNIN_PROXY_COUNT = env.int("SIGNIN_PROXY_COUNT", default=0)  # reverse proxies in front (X-Forwarded-For)
AXES_HANDLER = "core.signin.lockout.TenantLockoutHandler"
AXES_FAILURE_LIMIT = SIGNIN_FAILURES_PER_ACCOUNT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = dt.timedelta(minutes=SIGNIN_LOCKOUT_MINUTES)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused tries while locked do not prolong the lock
AXES_LOCKOUT_CALLABLE = "core.signin.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.signin.address.client_ip"
AXES_USERNAME_CALLABLE = "core.signin.lockout.username_of"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Second factor: TOTP (an authenticator app) and single-use recovery codes.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Một cửa điện tử")
SIGNIN_RECOVERY_CODES = 10
# Password reset links: single use (bound to the password hash), expiring, valid only in the schema that sent them.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)
# Sessions end when the browser closes, after SIGNIN_IDLE_MINUTES without a request, and after a working day.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SIGNIN_IDLE_MINUTES = env.float("SIGNIN_IDLE_MINUTES", default=30)

# --- Language and time ------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
TIME_ZONE = env("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / ".data" / "static"))
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media"))
MEDIA_URL = "/media/"
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"  # each tenant's files under MEDIA_ROOT/<schema>
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Celery (tenant-aware: tenant-schemas-celery) -------------------------------------------
CELERY_BROKER_URL = _celery_redis_url(REDIS_URL)
CELERY_RESULT_BACKEND = _celery_redis_url(REDIS_URL)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that then dies (SIGKILL, OOM, lost machine) stays unacknowledged in Redis and is
# handed out again once CELERY_VISIBILITY_TIMEOUT seconds have passed since it was taken (by a worker that
# starts, or by the sweep every CELERY_UNACKED_RESTORE_S seconds). It must exceed the longest task (one still
# running past it would be handed out twice; tasks are idempotent, but that is wasted work): one hour by
# default; the fault tests set a few seconds.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_UNACKED_RESTORE_S = env.int("CELERY_UNACKED_RESTORE_S", default=min(100, max(1, CELERY_VISIBILITY_TIMEOUT // 2)))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": CELERY_UNACKED_RESTORE_S, "unacked_restore_throttle": 1,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "core.beat:Scheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING (its personal-data filter)
# An entry without "tenant_schemas" runs once in every open tenant's schema;
# "tenant_schemas": ["public"] runs it once in the control plane.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# Billing: fee payments pending > 15 min are reconciled with querydr (each tenant); leasing invoices
# and dunning run in the public schema.
CELERY_BEAT_SCHEDULE["fees-reconcile-pending"] = {
    "task": "billing.fees.tasks.reconcile_pending", "schedule": 300.0,
    "options": {"expires": 240},  # no "tenant_schemas": sent to every tenant schema (tenant-schemas-celery 5)
}
CELERY_BEAT_SCHEDULE["leasing-invoice-run"] = {
    "task": "billing.leasing.tasks.invoice_run", "schedule": 6 * 3600.0,
    "tenant_schemas": ["public"],
}
CELERY_BEAT_SCHEDULE["leasing-dunning"] = {
    "task": "billing.leasing.tasks.dunning_run", "schedule": 6 * 3600.0,
    "tenant_schemas": ["public"],
}
# Dossiers: the deadline watch (near due / overdue alerts, idempotent) in every tenant schema; it also
# flushes outbox messages whose enqueue failed. (tenant-schemas-celery 5: no "tenant_schemas" = all tenants.)
CELERY_BEAT_SCHEDULE["dossiers-deadline-watch"] = {
    "task": "tenants.dossiers.tasks.deadline_watch", "schedule": 900.0, "options": {"expires": 840},
}
# Notifications: what is still pending a while after it was written is sent from every tenant's outbox (a
# task the broker lost at a Redis restart, or held by a worker killed before its ack, is not waited for).
OUTBOX_FLUSH_EVERY_S = env.float("OUTBOX_FLUSH_EVERY_S", default=60.0)
CELERY_BEAT_SCHEDULE["notifications-outbox-flush"] = {
    "task": "tenants.notifications.tasks.outbox_flush_task", "schedule": OUTBOX_FLUSH_EVERY_S,
    "kwargs": {"settled_s": OUTBOX_FLUSH_EVERY_S}, "options": {"expires": OUTBOX_FLUSH_EVERY_S},
}
# Backups: every open tenant, from the public schema (one task per tenant), keeping BACKUP_KEEP archives each.
BACKUP_ROOT = env("BACKUP_ROOT", default=str(BASE_DIR / ".data" / "backups"))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=7)
BACKUP_EVERY_HOURS = env.int("BACKUP_EVERY_HOURS", default=24)
BACKUP_SIGNING_KEY = env("BACKUP_SIGNING_KEY", default="")  # HMAC of the manifests; else derived from SECRET_KEY
PG_BIN_DIR = env("PG_BIN_DIR", default="")  # pg_dump/psql of the server's version; else found (control/backups)
CELERY_BEAT_SCHEDULE["backups-all-tenants"] = {
    "task": "control.backups.tasks.backup_all", "schedule": BACKUP_EVERY_HOURS * 3600.0,
    "tenant_schemas": ["public"], "options": {"expires": 3600},
}
SMS_BACKEND = env("SMS_BACKEND", default="tenants.notifications.sms.OutboxSmsBackend")

# --- Billing (billing/fees, billing/leasing) ---------------------------------------------------
_SANDBOX = f"http://127.0.0.1:{env.int('SANDBOX_PORT', default=8765)}"
_VNPAY_PUBLIC = ["https://sandbox.vnpayment.vn", "https://pay.vnpay.vn", "https://merchant.vnpay.vn"]
# The local sandbox unless configured (production: VNPay's public sandbox, never a loopback address).
VNPAY_PAY_URL = env("VNPAY_PAY_URL", default=_VNPAY_PUBLIC[0] if PRODUCTION else _SANDBOX)
VNPAY_API_URL = env("VNPAY_API_URL", default=_VNPAY_PUBLIC[0] if PRODUCTION else _SANDBOX)
# Where a provider's terminals may point and its client may call (billing/gateways/allowlist.py), besides
# the two URLs above: origins scheme://host[:port], ":*" any port. Production: VNPay's published hosts;
# development: the local sandbox (and the public one); tests: their sandboxes, on free loopback ports.
GATEWAY_URL_ALLOWLIST = {"vnpay": env.list("VNPAY_URL_ALLOWLIST", default=(
    _VNPAY_PUBLIC if PRODUCTION else [_SANDBOX, _VNPAY_PUBLIC[0]] + (["http://127.0.0.1:*"] if TESTING else [])))}
VNPAY_TIMEOUT_S = env.float("VNPAY_TIMEOUT_S", default=8.0)
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")  # Fernet key; else derived from SECRET_KEY
FEES_RECONCILE_AFTER_MINUTES = env.int("FEES_RECONCILE_AFTER_MINUTES", default=15)
LEASING_SUSPEND_AFTER_DAYS = env.int("LEASING_SUSPEND_AFTER_DAYS", default=30)
LEASING_REMINDER_DAYS = (7, 14)
LEASING_BANK = {  # where provinces transfer the leasing fees (VietQR)
    "bin": env("LEASING_BANK_BIN", default="970436"),
    "account": env("LEASING_BANK_ACCOUNT", default="0011004455667"),
    "name": env("LEASING_BANK_NAME", default="CONG TY CP GIAI PHAP MOT CUA"),
}

# --- Onboarding and e-mail (password links, rejections) -----------------------------------------
# Outside production, mail is written to files under .data/mail (one file per message).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
                    else "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / ".data" / "mail"))
# The SMTP server (production's backend): where, and how long a silent server may hold a sending worker.
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mot cua dien tu <no-reply@motcua.local>")
# ONBOARDING_DEPARTMENTS = [...]  # standard departments of a new province (onboarding/divisions.py)

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Một cửa điện tử — API",
    "DESCRIPTION": "API của nền tảng một cửa điện tử và cổng dịch vụ công (multi-tenant).",
    "VERSION": "1.0.0",
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_DOMAIN = None  # host-only: a tenant's cookie is never sent to another tenant
CSRF_COOKIE_DOMAIN = None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp; sent with pages, core/headers.py): our own files only, no inline script,
# style or handler anywhere (scripts and styles live under each app's static/), QR codes as data: images.
# Forms post to us, except the citizen's payment, whose POST is answered by a redirect to the gateway's pay
# page: its origins (the platform's pay URL and the allow-list above) are the only others allowed.
# No page is meant to be framed yet (frame-ancestors 'none', as X_FRAME_OPTIONS = "DENY").
from csp.constants import NONE, SELF  # noqa: E402

from core.policies import csp_origins  # noqa: E402

PAYMENT_FORM_ORIGINS = csp_origins([VNPAY_PAY_URL, *(u for urls in GATEWAY_URL_ALLOWLIST.values() for u in urls)])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF, *PAYMENT_FORM_ORIGINS],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# Browser features the product does not use, off for every response and anything it might embed (names that
# Chromium knows: an unknown one is a console error on every page, tests/e2e/test_csp_browser.py).
PERMISSIONS_POLICY: dict[str, tuple[str, ...]] = {
    feature: () for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media",
        "geolocation", "gyroscope", "hid", "idle-detection", "local-fonts", "magnetometer", "microphone", "midi",
        "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
        "window-management", "xr-spatial-tracking",
    )
} | {"fullscreen": ("self",)}  # the browser's PDF viewer (receipts, slips) may still go full screen

# --- Logging and error reporting -------------------------------------------------------------
# Every handler masks personal data (ID numbers, phones, e-mails) in messages and tracebacks (core/pii.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "core.pii.ScrubPersonalData"}},
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"], "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"},
                "axes": {"level": "WARNING"}},  # failures and lock-outs only, not every successful sign-in
}

# /readyz gives its checks only to the monitoring (this bearer token, or loopback); the Celery ping is kept so long.
READYZ_TOKEN = env("READYZ_TOKEN", default="")
READYZ_CELERY_CACHE_S = env.float("READYZ_CELERY_CACHE_S", default=10.0)

SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from core.sentry import init_sentry

    init_sentry(SENTRY_DSN, environment=ENVIRONMENT)
