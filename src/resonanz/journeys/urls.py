from django.urls import path

from resonanz.journeys import views

app_name = "journeys"
urlpatterns = [path("", views.index, name="index")]
