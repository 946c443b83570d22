"""The web pages of the task list, under the "tracker" namespace. Each views
module declares its own routes."""

from .views import dashboards, detail, exports, tasks

app_name = "tracker"
urlpatterns = [
    *dashboards.urlpatterns,
    *tasks.urlpatterns,
    *detail.urlpatterns,
    *exports.urlpatterns,
]
