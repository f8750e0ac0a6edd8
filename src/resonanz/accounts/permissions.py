"""API permission: Django model permissions for every method, including reads (view_*)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import DjangoModelPermissions


class RoleModelPermissions(DjangoModelPermissions):
    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }


class RoleActionPermissions(RoleModelPermissions):
    """Model permissions, except for the viewset actions named in ``view.action_permissions``
    (``{"merge": ["analysis.change_topic"]}``), which need exactly the permissions listed there. Views without a
    model queryset (``APIView``) list theirs under the HTTP method in ``view.method_permissions``."""

    def has_permission(self, request: Any, view: Any) -> bool:
        needed = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if needed is None:
            needed = getattr(view, "method_permissions", {}).get(request.method)
        if needed is None:
            return super().has_permission(request, view)
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(needed))
