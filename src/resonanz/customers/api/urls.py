from rest_framework.routers import SimpleRouter

from resonanz.customers.api.views import CustomerViewSet, OrderViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="api-customer")
router.register("orders", OrderViewSet, basename="api-order")

urlpatterns = router.urls
