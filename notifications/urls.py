"""The notification pages, under the "notifications" namespace."""

from django.urls import path

from .views import centre, open_notification, preferences_page, read_all

app_name = "notifications"
urlpatterns = [
    path("", centre, name="centre"),
    path("<int:pk>/", open_notification, name="open"),
    path("read-all/", read_all, name="read_all"),
    path("preferences/", preferences_page, name="preferences"),
]
