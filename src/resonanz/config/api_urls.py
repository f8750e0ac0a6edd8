"""The REST API v1: every app's api/urls.py contributes its routes here."""

from django.urls import include, path

urlpatterns = [
    path("", include("resonanz.accounts.api.urls")),
    path("", include("resonanz.customers.api.urls")),
    path("", include("resonanz.journeys.api.urls")),
    path("", include("resonanz.feedback.api.urls")),
    path("", include("resonanz.imports.api.urls")),
    path("", include("resonanz.jobs.api.urls")),
    path("", include("resonanz.analysis.api.urls")),
]
