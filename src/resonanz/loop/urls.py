from django.urls import path

from resonanz.loop import views

app_name = "loop"
urlpatterns = [path("", views.index, name="index")]
