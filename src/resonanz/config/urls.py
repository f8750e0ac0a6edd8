"""Root URL configuration: one include per app; the API under /api/v1/."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

urlpatterns = [
    path("", include("resonanz.insights.urls")),
    path("accounts/", include("resonanz.accounts.urls")),
    path("feedback/", include("resonanz.feedback.urls")),
    path("customers/", include("resonanz.customers.urls")),
    path("journeys/", include("resonanz.journeys.urls")),
    path("segments/", include("resonanz.segments.urls")),
    path("loop/", include("resonanz.loop.urls")),
    path("imports/", include("resonanz.imports.urls")),
    path("jobs/", include("resonanz.jobs.urls")),
    path("analysis/", include("resonanz.analysis.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("resonanz.config.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
]
