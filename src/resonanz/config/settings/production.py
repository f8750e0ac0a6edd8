"""Production: secure cookies, HSTS, HTTPS redirect. Requires RESONANZ_SECRET_KEY and RESONANZ_ALLOWED_HOSTS."""

import os

from django.core.exceptions import ImproperlyConfigured

from resonanz.config.settings.base import *  # noqa: F403

if not os.environ.get("RESONANZ_SECRET_KEY"):
    raise ImproperlyConfigured("RESONANZ_SECRET_KEY must be set in production (a long random string).")
if not os.environ.get("RESONANZ_ALLOWED_HOSTS"):
    raise ImproperlyConfigured("RESONANZ_ALLOWED_HOSTS must be set in production (comma-separated host names).")

DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("RESONANZ_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("RESONANZ_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Email: real SMTP. Without RESONANZ_EMAIL_HOST, hand mail to the local MTA on localhost:25 (the usual
# self-hosting set-up); never the console backend in production.
if MAILERS["default"]["BACKEND"].endswith(("console.EmailBackend", "locmem.EmailBackend")):  # noqa: F405
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                           "OPTIONS": {"host": "localhost", "port": 25, "timeout": 20}}}
