"""Views of this context. Until its issue lands, the index page says honestly what is coming."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@permission_required("customers.view_customer", raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coming.html",
        {"title": _("Segmente & Personas"), "explanation": _("Segmente nach Demografie, Region und Verhalten und daraus abgeleitete Personas.")},
    )
