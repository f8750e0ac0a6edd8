from django.urls import path

from resonanz.insights import views

app_name = "insights"
urlpatterns = [path("", views.overview, name="overview")]
