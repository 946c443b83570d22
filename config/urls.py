from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView

from accounts.signin import AdminLoginForm, LoginForm
from config import views as config_views
from config.api.docs import ApiDocsView
from config.observability import views as observability_views
from tracker import views as tracker_views

admin.site.site_header = _("Chengdu–Chongqing joint task list")
admin.site.site_title = _("Joint task list administration")
admin.site.index_title = _("Task force administration")
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", tracker_views.home, name="home"),
    path("healthz", observability_views.healthz, name="healthz"),
    path("readyz", observability_views.readyz, name="readyz"),
    path("metrics", observability_views.metrics_view, name="metrics"),
    path("favicon.ico", config_views.favicon),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("tracker.urls")),
    path("reports/", include("reports.urls")),
    path("", include("supervision.urls")),
    path("imports/", include("imports.urls")),
    path("notifications/", include("notifications.urls")),
    path("parks/", include("parks.urls")),
    path("api/v1/", include("tracker.api.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("api/v1/", include("supervision.api.urls")),
    path("api/v1/", include("notifications.api.urls")),
    path("api/v1/parks/", include("parks.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="docs"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
