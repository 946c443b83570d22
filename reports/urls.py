from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.library, name="library"),
    path("generate/", views.generate, name="generate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/<slug:fmt>/", views.download, name="download"),
]
