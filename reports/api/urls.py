from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("reports", views.ReportViewSet, basename="report")
router.register(
    "report-subscriptions",
    views.ReportSubscriptionViewSet,
    basename="report-subscription",
)

app_name = "reports_api"
urlpatterns = router.urls
