"""The web pages of the task list, under the "tracker" namespace. Each views
module declares its own routes."""

from .views import dashboards, detail, detail_dependencies, exports, tasks

app_name = "tracker"
urlpatterns = [
    *dashboards.urlpatterns,
    *tasks.urlpatterns,
    *detail.urlpatterns,
    *detail_dependencies.urlpatterns,
    *exports.urlpatterns,
]
