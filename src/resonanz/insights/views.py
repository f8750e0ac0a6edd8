"""The first overview page (/): current feedback figures. Replaced later by the full dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from resonanz.feedback.selectors import attach_shown_text, can_see_original
from resonanz.insights import selectors


@permission_required("feedback.view_feedback", raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    data = selectors.overview()
    latest = attach_shown_text(data.latest, original=can_see_original(request.user))
    total = data.volume.get("total") or 0
    return render(request, "insights/overview.html", {"o": data, "latest": latest, "total": total})
