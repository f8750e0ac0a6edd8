from rest_framework.routers import SimpleRouter

from resonanz.feedback.api.views import FeedbackSourceViewSet, FeedbackViewSet

router = SimpleRouter()
router.register("sources", FeedbackSourceViewSet, basename="api-source")
router.register("feedback", FeedbackViewSet, basename="api-feedback")

urlpatterns = router.urls
