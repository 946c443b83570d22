"""The service's URLs and the bench's baselines beside them (bench/views.py)."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/one-query/", views.one_query),
    path("bench/same-sql/<str:key>/", views.same_sql),
    path("", include("config.urls")),
]
