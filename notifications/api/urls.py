from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("notifications", views.NotificationViewSet, basename="notification")

app_name = "notifications_api"
urlpatterns = [
    path(
        "notification-preferences/",
        views.PreferencesView.as_view(),
        name="preferences",
    ),
    *router.urls,
]
