from axes.apps import AppConfig as AxesBaseConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig as BeatBaseConfig


class CoreConfig(AppConfig):
    name = "config"
    label = "core"
    verbose_name = _("Service plumbing")

    def ready(self):
        from django.core.signals import request_finished, request_started

        from . import checks  # noqa: F401  (registers the system checks)
        from .observability import logs

        request_started.connect(logs.leave_request, dispatch_uid="logs.started")
        request_finished.connect(logs.leave_request, dispatch_uid="logs.finished")


# Third-party apps, named in Chinese in the admin: their own AppConfig gives an
# English name (or none), and the admin shows the app label ("AXES") without one.
class AxesConfig(AxesBaseConfig):
    verbose_name = _("Sign-in security")

    def ready(self):
        super().ready()
        from .thirdparty import label_axes

        label_axes()


class BeatConfig(BeatBaseConfig):
    verbose_name = _("Scheduled jobs")

    def ready(self):
        super().ready()
        from .thirdparty import label_beat

        label_beat()
