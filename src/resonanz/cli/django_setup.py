"""Set up Django for CLI commands that need the database (core-only commands never call this)."""

from __future__ import annotations

import os


def setup_django(settings: str = "resonanz.config.settings.dev") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()
