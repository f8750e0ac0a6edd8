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
    channel_max = max((r["n"] for r in data.by_channel), default=0)
    source_max = max((r["n"] for r in data.by_source), default=0)
    return render(request, "insights/overview.html", {
        "o": data, "latest": latest, "channel_max": channel_max, "source_max": source_max,
    })
