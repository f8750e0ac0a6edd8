"""Embedded / demo mode: SQLite, DEBUG off unless asked, local hosts only."""

from resonanz.config.settings.base import *  # noqa: F403
