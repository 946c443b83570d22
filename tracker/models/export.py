"""An export of the task list too large to write during the request: the row
the page and the API show while the worker writes the file."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExportJob(models.Model):
    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    class Source(models.TextChoices):
        # Which filter reads the query: the page's (forgiving, with its sort)
        # or the API's (strict, with `ordering`).
        PAGE = "page", _("task list page")
        API = "api", _("API")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", pgettext_lazy("export job", "failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    format = models.CharField(_("format"), max_length=8, choices=Format)
    source = models.CharField(_("source"), max_length=8, choices=Source)
    query = models.TextField(_("filters (query string)"), blank=True)
    language = models.CharField(_("language"), max_length=16)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.QUEUED
    )
    task_count = models.PositiveIntegerField(_("tasks"), default=0)
    file = models.CharField(_("file"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task list export")
        verbose_name_plural = _("task list exports")
        indexes = [models.Index(fields=["user", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.get_format_display()} #{self.pk}"
