"""Settings shared by every environment. Everything variable comes from the environment (``RESONANZ_*``).

Embedded mode (the default) needs nothing: SQLite in the data directory, the database task backend and
a generated secret key stored beside the database. Production sets ``DATABASE_URL``, ``RESONANZ_SECRET_KEY``
and ``RESONANZ_ALLOWED_HOSTS`` (see ``resonanz.config.settings.production``).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from resonanz.config.env import data_dir, env_bool, env_int, env_list, load_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # src/resonanz
DATA_DIR = data_dir()

SECRET_KEY = os.environ.get("RESONANZ_SECRET_KEY") or load_or_create_secret_key(DATA_DIR)
DEBUG = env_bool("RESONANZ_DEBUG", False)
ALLOWED_HOSTS = env_list("RESONANZ_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("RESONANZ_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "resonanz.accounts",
    "resonanz.customers",
    "resonanz.journeys",
    "resonanz.feedback",
    "resonanz.imports",
    "resonanz.jobs",
    "resonanz.analysis",
    "resonanz.insights",
    "resonanz.segments",
    "resonanz.loop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "resonanz.accounts.middleware.DefaultLanguageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "resonanz.config.urls"
WSGI_APPLICATION = "resonanz.config.wsgi.application"

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
                "resonanz.accounts.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'resonanz.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "insights:overview"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("RESONANZ_TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("RESONANZ_STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("RESONANZ_MEDIA_ROOT", DATA_DIR / "media"))
for _dir in (STATIC_ROOT, MEDIA_ROOT):
    with contextlib.suppress(OSError):  # WhiteNoise expects STATIC_ROOT to exist
        _dir.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True

# Uploads: refuse files over this size with a clear message (bytes).
RESONANZ_MAX_UPLOAD_BYTES = env_int("RESONANZ_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Analytical copy (DuckDB, owned by the web process): file (default DATA_DIR/warehouse.duckdb) and how old the
# last sync may be before a dashboard request syncs again (seconds).
RESONANZ_WAREHOUSE_PATH = os.environ.get("RESONANZ_WAREHOUSE_PATH") or None
RESONANZ_WAREHOUSE_MAX_AGE = env_int("RESONANZ_WAREHOUSE_MAX_AGE", 30)
RESONANZ_USE_BROWSER_LANGUAGE = env_bool("RESONANZ_USE_BROWSER_LANGUAGE", False)
RESONANZ_DEFAULT_LANGUAGE = os.environ.get("RESONANZ_DEFAULT_LANGUAGE", "de")
RESONANZ_REDACT_AT_INGEST = env_bool("RESONANZ_REDACT_AT_INGEST", False)

TASKS = {
    "default": {
        "BACKEND": os.environ.get("RESONANZ_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Email (Django 6.1 MAILERS). Default: print to the console; set RESONANZ_EMAIL_HOST for real SMTP.
if os.environ.get("RESONANZ_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["RESONANZ_EMAIL_HOST"],
                "port": env_int("RESONANZ_EMAIL_PORT", 587),
                "username": os.environ.get("RESONANZ_EMAIL_HOST_USER", ""),
                "password": os.environ.get("RESONANZ_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("RESONANZ_EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": os.environ.get(
        "RESONANZ_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = os.environ.get("RESONANZ_DEFAULT_FROM_EMAIL", "resonanz@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["resonanz.accounts.permissions.RoleModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "resonanz.accounts.api.common.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Resonanz API",
    "DESCRIPTION": "Customers, orders, journey events, feedback and its text analysis of a Resonanz installation.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "REDOC_DIST": "SIDECAR",  # Redoc's JS from the package, not a CDN (air-gapped installs)
    "ENUM_NAME_OVERRIDES": {
        "SourceKindEnum": "resonanz.feedback.models.SourceKind",
        "ImportKindEnum": "resonanz.imports.models.ImportKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RESONANZ_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
