from django.urls import path
from rest_framework.routers import DefaultRouter

from . import dependencies, evidence, exports, initiative_indicators, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("initiatives", views.InitiativeViewSet, basename="initiative")
router.register("parties", views.PartyViewSet, basename="party")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("work-streams", views.WorkStreamViewSet, basename="work-stream")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("owners", views.OwnerViewSet, basename="owner")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("readings", views.ReadingViewSet, basename="reading")
router.register(
    "initiative-indicators",
    initiative_indicators.InitiativeIndicatorViewSet,
    basename="initiative-indicator",
)
router.register(
    "progress-updates", views.ProgressUpdateViewSet, basename="progress-update"
)
router.register("uploads", evidence.UploadViewSet, basename="upload")
router.register("dependencies", dependencies.DependencyViewSet, basename="dependency")
router.register(
    "evidence-files", evidence.EvidenceFileViewSet, basename="evidence-file"
)
router.register(
    "extension-requests", views.ExtensionRequestViewSet, basename="extension-request"
)

app_name = "api"
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("attention/", views.AttentionView.as_view(), name="attention"),
    path(
        "tasks/export.xlsx",
        exports.TaskExportXlsxView.as_view(),
        name="task-export-xlsx",
    ),
    path(
        "tasks/export.csv", exports.TaskExportCsvView.as_view(), name="task-export-csv"
    ),
    path("export-jobs/<int:pk>/", exports.ExportJobView.as_view(), name="export-job"),
    path(
        "tasks/<int:pk>/dependencies/",
        dependencies.TaskDependencyViewSet.as_view({"get": "list", "post": "create"}),
        name="task-dependencies",
    ),
    path(
        "export-jobs/<int:pk>/download/",
        exports.ExportJobDownloadView.as_view(),
        name="export-job-download",
    ),
    *router.urls,
]
