"""The joint office's pages, under the "supervision" namespace."""

from . import views

app_name = "supervision"
urlpatterns = [*views.urlpatterns]
