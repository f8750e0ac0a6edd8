from django.urls import path

from resonanz.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("new/", views.batch_new, name="new"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/preview/", views.batch_preview, name="preview"),
    path("<int:pk>/status/", views.batch_status, name="status"),
    path("<int:pk>/<str:which>.csv", views.batch_download, name="download"),
]
