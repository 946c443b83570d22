"""Dependencies between items (前置事项 / 后续事项), the alerts a slipping
blocker raises on the items that wait for it, and each open item's stored
forecast finish date (what the task list flags and sorts by)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Confidence, DependencyCause


class TaskDependency(models.Model):
    """`task` (or its `milestone`) cannot finish before `blocker_task` (or its
    `blocker_milestone`) does. Across parties and work streams, within one
    initiative; the graph of items stays free of cycles
    (tracker.services.dependencies.dependency_add)."""

    initiative = models.ForeignKey(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("dependent task"),
        on_delete=models.CASCADE,
        related_name="blocked_by",
    )
    milestone = models.ForeignKey(
        "tracker.Milestone",
        verbose_name=_("dependent milestone"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="blocked_by",
        help_text=_("Empty when the whole task waits."),
    )
    blocker_task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("blocking task"),
        on_delete=models.CASCADE,
        related_name="blocks",
    )
    blocker_milestone = models.ForeignKey(
        "tracker.Milestone",
        verbose_name=_("blocking milestone"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="blocks",
        help_text=_("Empty when the whole blocking task is awaited."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        ordering = ["task", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(task=F("blocker_task")),
                name="dependency_not_on_itself",
                violation_error_message=_("A task cannot depend on itself."),
            ),
            models.UniqueConstraint(
                fields=["task", "milestone", "blocker_task", "blocker_milestone"],
                nulls_distinct=False,
                name="dependency_once",
                violation_error_message=_("This dependency is already recorded."),
            ),
        ]
        indexes = [
            models.Index(fields=["blocker_task"], name="dependency_blocker"),
        ]

    def __str__(self):
        return f"{self.task.code} ← {self.blocker_task.code}"

    def clean(self):
        errors = {}
        if self.milestone_id and self.milestone.task_id != self.task_id:
            errors["milestone"] = _("The milestone belongs to another task.")
        if (
            self.blocker_milestone_id
            and self.blocker_milestone.task_id != self.blocker_task_id
        ):
            errors["blocker_milestone"] = _("The milestone belongs to another task.")
        if self.task_id and self.blocker_task_id:
            if self.task_id == self.blocker_task_id:
                errors["blocker_task"] = _("A task cannot depend on itself.")
            elif self.blocker_task.initiative_id != self.task.initiative_id:
                errors["blocker_task"] = _(
                    "The blocking task belongs to another initiative."
                )
        if errors:
            raise ValidationError(errors)


class DependencyAlert(models.Model):
    """One slip of a blocker, told once: the unique key (dependency, cause,
    the blocker's due date then) is what makes a second check find it there.
    Closed when the slip is cured; while open, the dependent's light is amber
    (tracker.selectors.lights.with_light)."""

    dependency = models.ForeignKey(
        TaskDependency,
        verbose_name=_("dependency"),
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    cause = models.CharField(_("cause"), max_length=16, choices=DependencyCause)
    blocker_due = models.DateField(_("blocker's due date"))
    dependent_due = models.DateField(_("dependent's due date"))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dependency alert")
        verbose_name_plural = _("dependency alerts")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dependency", "cause", "blocker_due"],
                name="dependency_alert_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["dependency"],
                condition=Q(closed_at__isnull=True),
                name="dependency_alert_open",
            ),
        ]

    def __str__(self):
        return f"{self.dependency} · {self.cause} · {self.blocker_due}"


class TaskForecast(models.Model):
    """An open item's forecast finish date as of `computed_at`, stored because
    the task list flags and filters by `at_risk` (house rule 14); kept current
    by tracker.services.forecast.forecast_refresh on every write that moves it
    and by the nightly job. The rule is tracker.forecast.RULE."""

    task = models.OneToOneField(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="forecast",
    )
    forecast_date = models.DateField(_("forecast finish date"))
    due_date = models.DateField(_("due date"))
    slip_days = models.IntegerField(_("days late (forecast)"))
    at_risk = models.BooleanField(_("risk of slipping"), default=False)
    confidence = models.CharField(_("confidence"), max_length=8, choices=Confidence)
    pace_date = models.DateField(_("date at the current pace"), null=True, blank=True)
    milestone_delay_days = models.IntegerField(
        _("median milestone delay (days)"), default=0
    )
    extensions = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        indexes = [
            models.Index(
                fields=["task"], condition=Q(at_risk=True), name="forecast_at_risk"
            ),
            models.Index(fields=["slip_days"], name="forecast_slip_days"),
        ]

    def __str__(self):
        return f"{self.task_id} → {self.forecast_date}"
