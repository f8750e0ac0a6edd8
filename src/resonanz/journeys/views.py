"""Views of this context. Until its issue lands, the index page says honestly what is coming."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@permission_required("journeys.view_event", raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coming.html",
        {"title": _("Journeys"), "explanation": _("Customer-Journey-Karten aus echten Daten: Phasen, Touchpoints, Emotionskurve, Schmerzpunkte, Pfade und Abbrüche.")},
    )
