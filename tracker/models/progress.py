from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .task import NOT_AN_OWNER


class ProgressUpdate(models.Model):
    """A progress report (进展报送) by one owner party on a task."""

    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="progress_updates",
    )
    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("reporting party"),
        on_delete=models.PROTECT,
        related_name="progress_updates",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="progress_updates",
    )
    narrative = models.TextField(_("progress narrative"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-reported_at", "-id"]
        get_latest_by = "reported_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="progress_update_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=~Q(narrative=""),
                name="progress_update_has_narrative",
                violation_error_message=_("Describe the progress."),
            ),
        ]
        indexes = [
            models.Index(fields=["task", "-reported_at"], name="progress_task_time"),
            models.Index(fields=["party", "-reported_at"], name="progress_party_time"),
            # The period's updates across all tasks (reports, dashboards).
            models.Index(fields=["-reported_at", "-id"], name="progress_time"),
        ]

    def __str__(self):
        return f"{self.task.code} · {self.party} · {self.reported_at:%Y-%m-%d}"

    def clean(self):
        if self.task_id and self.party_id and not self.task.has_owner(self.party_id):
            raise ValidationError({"party": NOT_AN_OWNER})
