"""Writes for accounts: roles (groups with permissions) and users."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.db import transaction

from resonanz.accounts.roles import ROLE_PERMISSIONS, ROLES


@transaction.atomic
def roles_ensure() -> dict[str, int]:
    """Create the role groups and (re)assign their permissions. Idempotent; returns permissions per role."""
    result: dict[str, int] = {}
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        if perms is None:
            qs = Permission.objects.all()
        else:
            wanted = {tuple(p.split(".", 1)) for p in perms}
            qs = Permission.objects.filter(content_type__app_label__in={a for a, _ in wanted})
            qs = [p for p in qs.select_related("content_type") if (p.content_type.app_label, p.codename) in wanted]
        group.permissions.set(qs)
        result[role] = len(qs)
    return result


@transaction.atomic
def user_create(
    *, username: str, role: str, password: str | None = None, email: str = "", language: str = "de"
) -> tuple[AbstractUser, str]:
    """Create (or reset) a user with exactly one role; returns the user and the password in clear text."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    roles_ensure()
    password = password or secrets.token_urlsafe(12)
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
    user.email = email or user.email
    user.is_staff = role == "admin"
    user.is_superuser = role == "admin"
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user, password
