from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("pairs", views.PairViewSet, basename="pair")
# Last, with numeric ids only: /api/v1/parks/ lists the parks themselves.
router.register("", views.ParkViewSet, basename="park")

app_name = "parks_api"
urlpatterns = router.urls
