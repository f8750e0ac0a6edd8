from rest_framework.routers import SimpleRouter

from resonanz.imports.api.views import ImportBatchViewSet

router = SimpleRouter()
router.register("imports", ImportBatchViewSet, basename="importbatch")
urlpatterns = router.urls
