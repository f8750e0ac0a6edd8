"""Navigation for the base template: the main sections, each shown only with the permission it needs."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.selectors import user_role

NAV = [
    ("insights:overview", _("Übersicht"), "feedback.view_feedback"),
    ("feedback:list", _("Feedback"), "feedback.view_feedback"),
    ("customers:list", _("Kunden"), "customers.view_customer"),
    ("imports:list", _("Importe"), "imports.view_importbatch"),
    ("journeys:index", _("Journeys"), "journeys.view_event"),
    ("segments:index", _("Segmente & Personas"), "customers.view_customer"),
    ("loop:index", _("Fälle & Maßnahmen"), "feedback.view_feedback"),
    ("accounts:settings", _("Einstellungen"), "feedback.view_feedbacksource"),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_role": None}
    path = request.path
    items = []
    for name, label, perm in NAV:
        if not user.has_perm(perm):
            continue
        url = reverse(name)
        items.append({"url": url, "label": label, "active": path.startswith(url) and (url != "/" or path == "/")})
    return {"nav_items": items, "user_role": user_role(user)}
