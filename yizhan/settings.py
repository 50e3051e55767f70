"""Django settings for Yizhan — one module, typed environment variables, safe defaults.

Every variable is documented in docs/configuration.md. Zero-setup default: SQLite in ``var/``
with generated secrets in ``var/secrets.env`` (written by ``yizhan init``, never committed).
Production: set ``DATABASE_URL`` to PostgreSQL and the secrets through the environment.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from yizhan.lib.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    load_env_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("YIZHAN_DATA_DIR", str(BASE_DIR / "var")))
load_env_file(Path(env_str("YIZHAN_ENV_FILE", str(DATA_DIR / "secrets.env"))))

DEBUG = env_bool("YIZHAN_DEBUG", False)
SECRET_KEY = env_str("YIZHAN_SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "YIZHAN_SECRET_KEY is not set. Run `yizhan init` (or `make run`) to generate var/secrets.env, "
        "or set the variable in the environment."
    )
ALLOWED_HOSTS = env_list("YIZHAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("YIZHAN_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("YIZHAN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "yizhan.core.admin_apps.AdminConfig",  # django.contrib.admin, every change audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # Swagger UI's script and styles served from our static files (the docs page, CSP)
    "django_tasks",
    "django_tasks_db",
    "yizhan.core",
    "yizhan.orgs",
    "yizhan.accounts",
    "yizhan.audit",
    "yizhan.sms",
    "yizhan.matters",
    "yizhan.ledgers",
    "yizhan.legalaid",
    "yizhan.knowledge",
    "yizhan.portal",
    "yizhan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yizhan.core.http.middleware.ApiErrorShapeMiddleware",
    "yizhan.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yizhan.accounts.middleware.SecondFactorMiddleware",
    "yizhan.accounts.middleware.SeparationOfDutiesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yizhan.audit.middleware.RequestContextMiddleware",
    "yizhan.core.ratelimit.RateLimitMiddleware",
]

ROOT_URLCONF = "yizhan.urls"
WSGI_APPLICATION = "yizhan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yizhan.core.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)  # private: database, secrets, attachments
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'yizhan.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("YIZHAN_DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_file = Path(str(DATABASES["default"]["NAME"]))
    if str(_sqlite_file) != ":memory:" and not _sqlite_file.exists():
        # created here, readable by this account only; SQLite gives its -wal and -shm files the same mode
        _sqlite_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            os.close(os.open(_sqlite_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids lock-upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        " PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # server-side parameter binding lets psycopg prepare the statements it runs repeatedly
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env_bool(
        "YIZHAN_PG_SERVER_BINDING", True
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["yizhan.accounts.backends.LockoutModelBackend"]
# The function that checks an API token (core/http/auth.py): raw token -> user or None.
API_PREFIX = "/api/"  # answers under it keep the API's error shape (core/http/middleware.py)
API_TOKEN_AUTHENTICATOR = "yizhan.accounts.services.user_for_api_token"  # noqa: S105 (a path)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "matters:queue"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("YIZHAN_PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yizhan.accounts.validators.CharacterClassValidator"},
]
# TOTP second factor (django-otp): always for superusers and these roles; anyone else may enrol.
TOTP_REQUIRED_ROLES = env_list("YIZHAN_TOTP_REQUIRED_ROLES", ["system_admin", "security_admin", "auditor"])
OTP_TOTP_ISSUER = "一站 Yizhan"
# Integration tokens expire after this many days unless `yizhan token issue --days N` says otherwise.
API_TOKEN_DAYS = env_int("YIZHAN_API_TOKEN_DAYS", 365, minimum=1)
LOCKOUT_MAX_FAILURES = env_int("YIZHAN_LOCKOUT_MAX_FAILURES", 5, minimum=1)
LOCKOUT_MINUTES = env_int("YIZHAN_LOCKOUT_MINUTES", 15, minimum=1)

# Idle timeout: the session expires after N minutes without a request.
SESSION_COOKIE_AGE = env_int("YIZHAN_SESSION_TIMEOUT_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Served over HTTPS (directly or behind a TLS-terminating proxy): Secure cookies, redirect plain HTTP
# to HTTPS, and HSTS. Behind a proxy (YIZHAN_TRUSTED_PROXY_HOPS > 0) its X-Forwarded-Proto says https.
HTTPS = env_bool("YIZHAN_HTTPS", False)
SECURE_COOKIES = HTTPS or env_bool("YIZHAN_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("YIZHAN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("YIZHAN_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("YIZHAN_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Personal data ------------------------------------------------------------------------------
# Fernet keys (comma-separated, newest first, for rotation) and the HMAC key of the blind index.
PII_KEYS = env_list("YIZHAN_PII_KEYS")
BLIND_INDEX_KEY = env_str("YIZHAN_BLIND_INDEX_KEY")
if not PII_KEYS or not BLIND_INDEX_KEY:
    raise ImproperlyConfigured(
        "YIZHAN_PII_KEYS and YIZHAN_BLIND_INDEX_KEY must be set (run `yizhan init` to generate them)."
    )

# --- I18n -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "yizhan" / "locale"]
TIME_ZONE = env_str("YIZHAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
        # public files: readable by a web server that serves them instead of the application
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
# uploaded attachments: readable by this account only
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("YIZHAN_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
ATTACHMENT_MAX_BYTES = env_int("YIZHAN_ATTACHMENT_MAX_MB", 20, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Cache, rate limits, background tasks -------------------------------------------------------------
REDIS_URL = env_str("YIZHAN_REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "yz-rl",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "yizhan"},
        # rate-limit counts shared by every process: a table of the database (`migrate` creates it).
        # Counts live a second or a minute; the cache counts its rows on every write, so keep it small.
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "yizhan_ratelimit_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000, "CULL_FREQUENCY": 4},
        },
    }
RATELIMIT_USE_CACHE = "ratelimit"


def _rate(name: str, default: str) -> str:
    value = env_str(name, default).replace(" ", "")
    if not re.fullmatch(r"[1-9]\d*/\d*[smhd]", value):
        raise ImproperlyConfigured(f"{name} must look like 30/m or 5/10s (requests/period), not {value!r}")
    return value


# Anonymous public endpoints: requests per second per client address (SPEC §11 default 20/s).
PUBLIC_RATE_PER_SECOND = env_int("YIZHAN_PUBLIC_RATE_PER_SECOND", 20, minimum=1)
# Look-ups by query code (portal tracking pages, QR links, GET /api/v1/track/{code}) per client address.
QUERY_CODE_RATE = _rate("YIZHAN_QUERY_CODE_RATE", "30/m")
# Attempts at the login form and at the second factor per client address.
LOGIN_RATE = _rate("YIZHAN_LOGIN_RATE", "20/m")
# Reverse proxies in front of the application whose X-Forwarded-For entries are trusted (0: none, the
# client is REMOTE_ADDR). The older YIZHAN_TRUST_X_FORWARDED_FOR=true means one proxy.
TRUSTED_PROXY_HOPS = env_int(
    "YIZHAN_TRUSTED_PROXY_HOPS", 1 if env_bool("YIZHAN_TRUST_X_FORWARDED_FOR", False) else 0, minimum=0
)
RATELIMIT_IP_META_KEY = "yizhan.core.clientip.client_ip"  # audit, rate limits and login: one function
if HTTPS and TRUSTED_PROXY_HOPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

TASKS_BACKEND = env_choice("YIZHAN_TASKS_BACKEND", ("database", "redis", "immediate"), "database")
if TASKS_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("YIZHAN_TASKS_BACKEND=redis needs YIZHAN_REDIS_URL")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often the worker's scheduler runs the deadline sweep (minutes).
SWEEP_INTERVAL_MINUTES = env_int("YIZHAN_SWEEP_INTERVAL_MINUTES", 15, minimum=1)

# --- Legal aid ---------------------------------------------------------------------------------
# Count the Legal Aid Law's periods (七日, 三日, 五日) as working days instead of calendar days rolled to
# the next working day (docs/decisions/0005-legal-aid-periods.md).
LEGAL_AID_WORKING_DAYS = env_bool("YIZHAN_LEGAL_AID_WORKING_DAYS", False)

# --- SMS to citizens (yizhan/sms, docs/decisions/0011-sms-gateway.md) -------------------------------
# The gateway: "logging" writes the would-be message to the log (development, tests); "aliyun" and
# "tencent" use the cloud providers' SDKs (the optional extra ``.[sms]``); "http" posts JSON to a
# provincial SMS platform.
SMS_BACKEND = env_choice("YIZHAN_SMS_BACKEND", ("logging", "aliyun", "tencent", "http"), "logging")
SMS_TIMEOUT_SECONDS = env_int("YIZHAN_SMS_TIMEOUT_SECONDS", 10, minimum=1)
SMS_MAX_PER_HOUR = env_int("YIZHAN_SMS_MAX_PER_HOUR", 5, minimum=1)  # per phone, the last 60 minutes
SMS_MAX_PER_DAY = env_int("YIZHAN_SMS_MAX_PER_DAY", 10, minimum=1)  # per phone, the last 24 hours
SMS_MAX_ATTEMPTS = env_int("YIZHAN_SMS_MAX_ATTEMPTS", 5, minimum=1)
SMS_RETRY_MINUTES = env_int("YIZHAN_SMS_RETRY_MINUTES", 5, minimum=1)  # doubled after each failed attempt
SMS_RETENTION_DAYS = env_int("YIZHAN_SMS_RETENTION_DAYS", 365, minimum=1)
SMS_ALIYUN_ACCESS_KEY_ID = env_str("YIZHAN_SMS_ALIYUN_ACCESS_KEY_ID")
SMS_ALIYUN_ACCESS_KEY_SECRET = env_str("YIZHAN_SMS_ALIYUN_ACCESS_KEY_SECRET")
SMS_ALIYUN_ENDPOINT = env_str("YIZHAN_SMS_ALIYUN_ENDPOINT", "dysmsapi.aliyuncs.com")
SMS_TENCENT_SECRET_ID = env_str("YIZHAN_SMS_TENCENT_SECRET_ID")
SMS_TENCENT_SECRET_KEY = env_str("YIZHAN_SMS_TENCENT_SECRET_KEY")
SMS_TENCENT_SDK_APP_ID = env_str("YIZHAN_SMS_TENCENT_SDK_APP_ID")
SMS_TENCENT_REGION = env_str("YIZHAN_SMS_TENCENT_REGION", "ap-guangzhou")
SMS_HTTP_URL = env_str("YIZHAN_SMS_HTTP_URL")
SMS_HTTP_TOKEN = env_str("YIZHAN_SMS_HTTP_TOKEN")
_SMS_REQUIRED = {
    "aliyun": {
        "YIZHAN_SMS_ALIYUN_ACCESS_KEY_ID": SMS_ALIYUN_ACCESS_KEY_ID,
        "YIZHAN_SMS_ALIYUN_ACCESS_KEY_SECRET": SMS_ALIYUN_ACCESS_KEY_SECRET,
    },
    "tencent": {
        "YIZHAN_SMS_TENCENT_SECRET_ID": SMS_TENCENT_SECRET_ID,
        "YIZHAN_SMS_TENCENT_SECRET_KEY": SMS_TENCENT_SECRET_KEY,
        "YIZHAN_SMS_TENCENT_SDK_APP_ID": SMS_TENCENT_SDK_APP_ID,
    },
    "http": {"YIZHAN_SMS_HTTP_URL": SMS_HTTP_URL, "YIZHAN_SMS_HTTP_TOKEN": SMS_HTTP_TOKEN},
}
_sms_missing = [name for name, value in _SMS_REQUIRED.get(SMS_BACKEND, {}).items() if not value]
if _sms_missing:
    raise ImproperlyConfigured(f"YIZHAN_SMS_BACKEND={SMS_BACKEND} needs {', '.join(_sms_missing)}")
if SMS_HTTP_URL and not SMS_HTTP_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"YIZHAN_SMS_HTTP_URL must be an http(s) address, got {SMS_HTTP_URL!r}")

# --- Exports ----------------------------------------------------------------------------------
PDF_FONT = env_str("YIZHAN_PDF_FONT")  # a TrueType (.ttf/.ttc) file with Chinese glyphs; found if unset
EXPORT_MAX_ROWS = env_int("YIZHAN_EXPORT_MAX_ROWS", 100_000, minimum=100)
PDF_EXPORT_MAX_ROWS = env_int("YIZHAN_PDF_EXPORT_MAX_ROWS", 20_000, minimum=100)

# --- Housekeeping (core/housekeeping.py; run daily by the worker and by `yizhan prune`) ----------
IDEMPOTENCY_RETENTION_DAYS = env_int("YIZHAN_IDEMPOTENCY_RETENTION_DAYS", 7, minimum=1)
NOTIFICATION_RETENTION_DAYS = env_int("YIZHAN_NOTIFICATION_RETENTION_DAYS", 365, minimum=1)
TASK_RESULT_RETENTION_DAYS = env_int("YIZHAN_TASK_RESULT_RETENTION_DAYS", 14, minimum=1)

# --- Statutes (knowledge) ---------------------------------------------------------------------------
STATUTE_INDEX_DIR = Path(env_str("YIZHAN_STATUTE_INDEX_DIR", str(DATA_DIR / "index" / "statutes")))
# Statute search also compares the question and each candidate article as whole sentences (E5
# embeddings, docs/knowledge/search.md): better answers, ~2.5 ms more per search. False: words only.
STATUTE_SEARCH_DENSE = env_bool("YIZHAN_STATUTE_SEARCH_DENSE", True)

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("YIZHAN_LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# --- Matters ----------------------------------------------------------------------------------
# The triage the transfer form asks for its suggestion (法律领域, 事项类型, the kind of unit): a function
# text → dict, as ``POST /api/v1/triage`` answers. Named here because the knowledge module providing it
# sits above the matters module (as API_TOKEN_AUTHENTICATOR; docs/decisions/0014-closed-loop-citizen-side.md).
MATTERS_TRIAGE = "yizhan.knowledge.services.triage"

# --- Ledger exports in the background -------------------------------------------------------
# yizhan/ledgers; docs/decisions/0015-ledger-exports-in-the-background.md.
# A ledger export of at most this many rows is built inside the request and downloaded at once; a
# longer one becomes a background job whose file the requester downloads from 「我的导出」.
LEDGER_EXPORT_INLINE_MAX_ROWS = env_int("YIZHAN_LEDGER_EXPORT_INLINE_MAX_ROWS", 2000, minimum=0)
# Days a background export (its file and its row) is kept before the worker deletes it.
LEDGER_EXPORT_RETENTION_DAYS = env_int("YIZHAN_LEDGER_EXPORT_RETENTION_DAYS", 7, minimum=1)
