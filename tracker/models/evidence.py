import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def stored_name(directory: str, filename: str) -> str:
    """Where an uploaded evidence file is kept: a name of ours, never the
    uploader's. The original name (kept on the row for display and download)
    may collide, carry path parts or be too long for the file system."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"{directory}/{uuid.uuid4().hex}{suffix}"


def update_evidence_path(instance, filename):
    return stored_name(f"evidence/updates/{timezone.now():%Y/%m}", filename)


class UpdateEvidence(models.Model):
    """A file (a photo, meeting minutes, an acceptance certificate) attached to
    a progress update. Uploaded ahead through the API, it has no update yet:
    it belongs to its uploader until a progress update names it, and is swept
    away when none does within a day."""

    update = models.ForeignKey(
        "tracker.ProgressUpdate",
        verbose_name=_("progress update"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence_files",
    )
    file = models.FileField(
        _("stored file"), upload_to=update_evidence_path, max_length=200
    )
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="uploaded_evidence",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    attached_at = models.DateTimeField(_("attached at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence file of an update")
        verbose_name_plural = _("evidence files of updates")
        ordering = ["update_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(update__isnull=True, attached_at__isnull=True)
                | Q(update__isnull=False, attached_at__isnull=False),
                name="update_evidence_attached_with_time",
                violation_error_message=_(
                    "An attached file records when it was attached."
                ),
            ),
        ]
        indexes = [
            # The sweeper's question: unattached uploads older than a day.
            models.Index(
                fields=["uploaded_at"],
                condition=Q(update__isnull=True),
                name="update_evidence_unattached",
            ),
        ]

    def __str__(self):
        return self.name
