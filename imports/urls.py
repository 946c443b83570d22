"""The import pages, under the "imports" namespace (/imports/)."""

from . import views

app_name = "imports"
urlpatterns = [*views.urlpatterns]
