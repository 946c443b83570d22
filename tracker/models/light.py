"""The light of every task and milestone as stored state: what the lists
filter and sort by through indexes (house rule 14), instead of computing the
light per row per request.

Derived, recomputable state, not a record: `tracker.services.lights` writes
it from `tracker.selectors.with_light` itself in the same transaction as every
write that changes a light, and again just after midnight Asia/Shanghai (the
light depends on the date). Not audited: the nightly recompute would
otherwise write an event per task per night, and nothing here is anyone's
decision; the rows it derives from are audited. `manage.py lights_check`
compares it with a computation from scratch."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import Light
from .tally import light_tally_triggers


class TaskLight(models.Model):
    task = models.OneToOneField(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="light_state",
    )
    light = models.CharField(_("light"), max_length=8, choices=Light)
    computed_light = models.CharField(_("computed light"), max_length=8, choices=Light)
    # Most severe first (tracker.lights.LIGHT_SEVERITY).
    rank = models.PositiveSmallIntegerField(_("light rank"))
    # {"code", "figures"}: what tracker.lights.reason_of returns.
    reason = models.JSONField(_("light reason"))
    override_light = models.CharField(max_length=8, choices=Light, blank=True)
    override_reason = models.TextField(blank=True)
    override_expires_at = models.DateTimeField(null=True, blank=True)
    days_overdue = models.IntegerField(_("days overdue"), default=0)
    milestone_days_overdue = models.IntegerField(default=0)
    overdue_days = models.IntegerField(default=0)
    late_milestone_title = models.CharField(max_length=200, blank=True)
    late_milestone_due = models.DateField(null=True, blank=True)
    # The earliest of the open milestones' due dates and the task's own
    # (None once the task is closed).
    next_due = models.DateField(_("next due date"), null=True, blank=True)
    computed_for = models.DateField(_("computed for the day"))
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stored light")
        verbose_name_plural = _("stored lights")
        triggers = light_tally_triggers()
        indexes = [
            models.Index(fields=["rank", "-overdue_days"], name="tasklight_rank"),
            models.Index(fields=["light", "task"], name="tasklight_light"),
            models.Index(fields=["-overdue_days", "task"], name="tasklight_overdue"),
            models.Index(fields=["-days_overdue"], name="tasklight_days_overdue"),
            models.Index(fields=["next_due"], name="tasklight_next_due"),
            # The override expiry job finds the lights an expiry changes here.
            models.Index(
                fields=["override_expires_at"],
                name="tasklight_override_expiry",
                condition=~Q(override_light=""),
            ),
        ]

    def __str__(self):
        return f"{self.task_id}: {self.light}"


class MilestoneLight(models.Model):
    """A milestone's own state: red when past due and not done, amber when due
    within the amber window, green when further off, closed when done."""

    milestone = models.OneToOneField(
        "tracker.Milestone",
        verbose_name=_("milestone"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="light_state",
    )
    task = models.ForeignKey(
        "tracker.Task", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    light = models.CharField(_("light"), max_length=8, choices=Light)
    days_overdue = models.IntegerField(_("days overdue"), default=0)
    computed_for = models.DateField(_("computed for the day"))

    class Meta:
        verbose_name = _("stored milestone light")
        verbose_name_plural = _("stored milestone lights")
        indexes = [
            models.Index(fields=["task", "light"], name="milestonelight_task"),
            models.Index(
                fields=["light", "-days_overdue"], name="milestonelight_light"
            ),
        ]

    def __str__(self):
        return f"{self.milestone_id}: {self.light}"
