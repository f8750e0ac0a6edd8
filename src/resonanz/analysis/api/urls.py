from django.urls import path
from rest_framework.routers import SimpleRouter

from resonanz.analysis.api import views

router = SimpleRouter()
router.register("analyses", views.AnalysisViewSet, basename="api-analysis")
router.register("corrections", views.CorrectionViewSet, basename="api-correction")
router.register("topics", views.TopicViewSet, basename="api-topic")
router.register("classifiers", views.ClassifierViewSet, basename="api-classifier")
router.register("topic-suggestions", views.TopicSuggestionViewSet, basename="api-topic-suggestion")

urlpatterns = [
    *router.urls,
    path("search/", views.SearchView.as_view(), name="api-search"),
    path("model-quality/", views.QualityView.as_view(), name="api-model-quality"),
]
