"""Account pages: login (Django's view with our template) and the settings overview."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from resonanz.accounts.roles import ROLES
from resonanz.feedback import selectors as feedback_selectors
from resonanz.journeys import selectors as journey_selectors


@permission_required("feedback.view_feedbacksource", raise_exception=True)
def settings_index(request: HttpRequest) -> HttpResponse:
    """Settings: the journey stages, channels, touchpoints and feedback sources in use, and the roles."""
    return render(
        request,
        "accounts/settings.html",
        {
            "stages": journey_selectors.stage_list(),
            "channels": journey_selectors.channel_list(),
            "touchpoints": journey_selectors.touchpoint_list(),
            "sources": feedback_selectors.source_list(),
            "roles": ROLES,
            "can_admin": request.user.is_superuser,
        },
    )
