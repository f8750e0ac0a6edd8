from django.urls import path

from resonanz.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.feedback_list, name="list"),
    path("export.csv", views.feedback_export_csv, name="export_csv"),
    path("<int:feedback_id>/", views.feedback_detail, name="detail"),
]
