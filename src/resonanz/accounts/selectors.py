"""Reads for accounts."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from resonanz.accounts.roles import ROLES


def user_role(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The user's role name (the first role group), ``admin`` for superusers, None otherwise."""
    if not user.is_authenticated:
        return None
    if getattr(user, "is_superuser", False):
        return "admin"
    names = {g.name for g in user.groups.all()}  # type: ignore[attr-defined]
    return next((r for r in ROLES if r in names), None)


def can_see_original_text(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm("feedback.view_original_text"))
