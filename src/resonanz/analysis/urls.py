from django.urls import path

from resonanz.analysis import views

app_name = "analysis"
urlpatterns = [
    path("feedback/<int:feedback_id>/panel/", views.panel, name="panel"),
    path("feedback/<int:feedback_id>/correct/", views.correct, name="correct"),
    path("quality/", views.quality, name="quality"),
    path("quality/run/", views.run_pending, name="run_pending"),
    path("quality/train/", views.train, name="train"),
    path("quality/activate/", views.activate, name="activate"),
    path("quality/review/", views.review, name="review"),
    path("taxonomy/", views.taxonomy, name="taxonomy"),
    path("taxonomy/<int:pk>/", views.topic_edit, name="topic_edit"),
    path("discovery/", views.discovery, name="discovery"),
    path("discovery/run/", views.discovery_run, name="discovery_run"),
    path("discovery/<int:pk>/", views.suggestion_decide, name="suggestion_decide"),
    path("search/", views.search, name="search"),
]
