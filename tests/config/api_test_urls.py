"""URLs for the throwaway views of tests/config/test_api_infrastructure.py; used
with @pytest.mark.urls so that the project's URLconf stays untouched."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from tests.config import test_api_infrastructure as views

router = SimpleRouter()
router.register("parties", views.PartyViewSet, basename="test-party")

urlpatterns = [
    path("problems/<str:kind>/", views.ProblemView.as_view()),
    path("private/", views.PrivateView.as_view()),
    path("throttled/", views.ThrottledView.as_view()),
    path("things/<int:pk>/", views.ThingView.as_view()),
    path("evidence/", views.EvidenceView.as_view()),
    path("", include(router.urls)),
]
