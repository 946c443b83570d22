"""The park evaluation pages, under the "parks" namespace (/parks/)."""

from django.urls import path

from . import views, views_actions

app_name = "parks"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cycles/<int:pk>/", views.cycle_dashboard, name="cycle"),
    path("<int:pk>/", views.park_detail, name="park"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("pairs/<int:pk>/", views.pair_comparison, name="pair"),
    *views_actions.urlpatterns,
]
