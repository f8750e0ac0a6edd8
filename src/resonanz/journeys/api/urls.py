from rest_framework.routers import SimpleRouter

from resonanz.journeys.api.views import ChannelViewSet, EventViewSet, JourneyStageViewSet, TouchpointViewSet

router = SimpleRouter()
router.register("stages", JourneyStageViewSet, basename="api-stage")
router.register("channels", ChannelViewSet, basename="api-channel")
router.register("touchpoints", TouchpointViewSet, basename="api-touchpoint")
router.register("events", EventViewSet, basename="api-event")

urlpatterns = router.urls
