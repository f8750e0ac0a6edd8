"""Test settings: tasks run inline, email in memory, fast hashing, an isolated data directory."""

import os
import tempfile

os.environ.setdefault("RESONANZ_DATA_DIR", tempfile.mkdtemp(prefix="resonanz-test-"))

from resonanz.config.settings.base import *  # noqa: E402, F403
from resonanz.config.settings.base import DATABASES  # noqa: E402

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": None}  # in-memory
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
