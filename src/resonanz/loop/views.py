"""Views of this context. Until its issue lands, the index page says honestly what is coming."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@permission_required("feedback.view_feedback", raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coming.html",
        {"title": _("Fälle & Maßnahmen"), "explanation": _("Alarme, Fälle für das Service-Team, Verbesserungsmaßnahmen mit gemessener Wirkung und „Sie sagten, wir taten“-Nachrichten.")},
    )
