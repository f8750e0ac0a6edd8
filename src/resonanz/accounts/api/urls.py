from django.urls import path

from resonanz.accounts.api.views import TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-auth-token"),
]
