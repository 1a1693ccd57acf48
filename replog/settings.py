from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")


def _env_or_fail(name: str, cast: type, default: Any) -> Any:
    # django-environ raises bare ValueErrors on a malformed value; say which variable it was.
    try:
        return env.get_value(name, cast=cast, default=default)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name} has an invalid value: {exc}"
        ) from exc


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _env_bool(name: str, default: bool) -> bool:
    # django-environ reads any unknown word ("maybe") as false; a typo must stop start-up.
    raw = env.ENVIRON.get(name)
    if raw is None:
        return default
    word = str(raw).strip().lower()
    if word not in _TRUE | _FALSE:
        raise ImproperlyConfigured(
            f"Environment variable {name} has an invalid value {raw!r}: use true or false."
        )
    return word in _TRUE


DEBUG = _env_bool("DEBUG", False)

DATA_DIR = Path(str(_env_or_fail("REPLOG_DATA_DIR", str, str(BASE_DIR / "data"))))

_secret_key = env.str("SECRET_KEY", default="")
if not _secret_key:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY is required when DEBUG is off "
            "(set DEBUG=true for local development)."
        )
    _secret_key = "django-insecure-local-development-only"  # noqa: S105
    # Once per process tree: runserver's reloader child inherits the marker.
    if not os.environ.get("REPLOG_DEV_KEY_NOTICE"):
        os.environ["REPLOG_DEV_KEY_NOTICE"] = "1"
        print(
            "SECRET_KEY is not set: using the built-in development key (DEBUG only).",
            file=sys.stderr,
        )
SECRET_KEY = _secret_key

# Reserved for encrypting secret application settings; see settings_app.
REPLOG_SECRET_KEY = env.str("REPLOG_SECRET_KEY", default="")

# Load programs/seed/catalog.json after `migrate` when the catalog is empty. Tests turn it off.
REPLOG_SEED_ON_MIGRATE = _env_bool("REPLOG_SEED_ON_MIGRATE", True)

ALLOWED_HOSTS = list(
    _env_or_fail("ALLOWED_HOSTS", list, ["127.0.0.1", "localhost"] if DEBUG else [])
)
CSRF_TRUSTED_ORIGINS = list(_env_or_fail("CSRF_TRUSTED_ORIGINS", list, []))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "django_tasks",
    "django_tasks_db",
    "settings_app",
    "programs",
    "athletes",
    "generation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "replog.middleware.private_pages",
    "replog.middleware.forbidden_log",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "replog.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "replog.context_processors.app",
            ],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": [
                "template_partials.templatetags.partials",
                "django_htmx.templatetags.django_htmx",
            ],
        },
    },
]

WSGI_APPLICATION = "replog.wsgi.application"

DATA_DIR.mkdir(parents=True, exist_ok=True)
_default_db = f"sqlite:///{DATA_DIR / 'replog.sqlite3'}"
try:
    DATABASES = {"default": env.db_url("DATABASE_URL", default=_default_db)}
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"Environment variable DATABASE_URL has an invalid value: {exc}"
    ) from exc

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web process reads; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "athletes.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "athletes:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = str(_env_or_fail("TIME_ZONE", str, "UTC"))
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads are parsed in memory and validated before anything is stored.
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": str(_env_or_fail("REPLOG_TASK_BACKEND", str, "django_tasks_db.DatabaseBackend")),
        "QUEUES": ["default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS. HSTS is never sent in DEBUG (a browser would then refuse http://127.0.0.1 for a year).
SECURE_HSTS_SECONDS = 0 if DEBUG else int(_env_or_fail("SECURE_HSTS_SECONDS", int, 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = False if DEBUG else _env_bool("SECURE_SSL_REDIRECT", False)
# The header a TLS-terminating proxy sets, e.g. HTTP_X_FORWARDED_PROTO; only behind such a proxy.
_proxy_header = str(_env_or_fail("SECURE_PROXY_SSL_HEADER", str, ""))
SECURE_PROXY_SSL_HEADER = (_proxy_header, "https") if _proxy_header else None

# Content-Security-Policy: the app's own static files (htmx is served from them by django-htmx)
# and nothing inline. Style attributes carry server-computed CSS variables (grid columns,
# meter widths) and cannot run code, so `style-src-attr` alone allows them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): an account is locked from one address after this many failed
# logins, for the cool-off; other accounts and addresses are unaffected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(_env_or_fail("REPLOG_LOGIN_FAILURE_LIMIT", int, 5))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(_env_or_fail("REPLOG_LOGIN_COOLOFF_MINUTES", int, 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Axes masks the username and address in its failure lines; an operator needs both. The
# password is never part of them.
AXES_SENSITIVE_PARAMETERS: list[str] = []
# Behind N reverse proxies the client's address is the Nth from the right of X-Forwarded-For;
# 0 (direct) uses REMOTE_ADDR and ignores the header, which a client could forge.
REPLOG_PROXY_COUNT = int(_env_or_fail("REPLOG_PROXY_COUNT", int, 0))
AXES_CLIENT_IP_CALLABLE = "replog.middleware.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Every 403 is logged once, at INFO, by replog.middleware.forbidden_log; Django's own
    # WARNING with a traceback is dropped.
    "filters": {"no_403": {"()": "replog.middleware.Not403"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": str(_env_or_fail("LOG_LEVEL", str, "INFO"))},
    "loggers": {
        # LiteLLM logs request bodies (and so API keys in headers) at DEBUG; never let it.
        "LiteLLM": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "django.request": {"filters": ["no_403"]},
        "django.security.csrf": {"filters": ["no_403"]},
    },
}

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
