from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("urge-targets", views.UrgeTargetViewSet, basename="urge-target")

app_name = "supervision_api"
urlpatterns = [
    path("office/", views.OfficeView.as_view(), name="office"),
    path("tasks/<int:pk>/urges/", views.TaskUrgesView.as_view(), name="task-urges"),
    *router.urls,
]
