import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def upload_path(instance, filename):
    # The stored name is ours; the uploader's name is kept on the row.
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("import", "queued")
    CHECKING = "checking", pgettext_lazy("import", "checking")
    CHECKED = "checked", pgettext_lazy("import", "checked")
    REFUSED = "refused", pgettext_lazy("import", "refused")
    COMMITTING = "committing", pgettext_lazy("import", "importing")
    DONE = "done", pgettext_lazy("import", "imported")
    FAILED = "failed", pgettext_lazy("import", "failed")


class ImportJob(models.Model):
    """One uploaded task list file: its dry run and, when asked, its import.

    The file is kept (the import reads it again, and the audit names its
    SHA-256); the dry run's preview and problems are stored so the page shows
    them whether they were worked out in the request or by the worker."""

    initiative = models.ForeignKey(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    file = models.FileField(_("stored file"), upload_to=upload_path, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus, default=JobStatus.QUEUED
    )
    commit_requested = models.BooleanField(_("import requested"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    # {"create": [...], "change": [...], "unchanged": [...]} and the problems
    # as (sheet, row, column, zh-Hans, English): see imports.plan.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task list import")
        verbose_name_plural = _("task list imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["uploaded_by", "-created_at"], name="import_by_user"),
        ]

    def __str__(self):
        return self.file_name

    @property
    def in_worker(self) -> bool:
        return (
            self.size > settings.IMPORTS_INLINE_BYTES
            or self.rows_total > settings.IMPORTS_INLINE_ROWS
        )

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)
