from django.urls import path

from resonanz.segments import views

app_name = "segments"
urlpatterns = [path("", views.index, name="index")]
