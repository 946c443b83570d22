from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import MilestoneStatus
from .task import NOT_AN_OWNER


class Milestone(models.Model):
    """A milestone (节点) of a task: joint (no party) or one party's.

    A joint milestone may be broken down into party sub-milestones; it is
    complete only when every one of them is (checked here and by a database
    constraint trigger, see migration 0002)."""

    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        help_text=_("Empty for a joint milestone."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("joint milestone"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("For a party's part of a joint milestone."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MilestoneStatus,
        default=MilestoneStatus.PENDING,
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of the task's progress, 1–100."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["task", "due_date", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status=MilestoneStatus.DONE) & Q(completed_at__isnull=False)
                )
                | (~Q(status=MilestoneStatus.DONE) & Q(completed_at__isnull=True)),
                name="milestone_done_iff_completed_at",
                violation_error_message=_(
                    "A milestone has a completion time exactly when it is done."
                ),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=100),
                name="milestone_weight_1_100",
                violation_error_message=_("The weight must be between 1 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(party__isnull=False),
                name="milestone_part_has_party",
                violation_error_message=_(
                    "A part of a joint milestone must belong to a party."
                ),
            ),
            models.UniqueConstraint(
                fields=["id", "task"], name="milestone_id_task_key"
            ),
        ]
        indexes = [
            models.Index(fields=["task", "due_date"], name="milestone_task_due"),
            models.Index(
                fields=["due_date"],
                condition=~Q(status=MilestoneStatus.DONE),
                name="milestone_open_due",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_joint(self) -> bool:
        return self.party_id is None

    def clean(self):
        errors = {}
        if self.task_id and self.party_id and not self.task.has_owner(self.party_id):
            errors["party"] = NOT_AN_OWNER
        if self.parent_id:
            if self.parent_id == self.pk:
                errors["parent"] = _("A milestone cannot be part of itself.")
            elif self.parent.task_id != self.task_id:
                errors["parent"] = _("The joint milestone belongs to another task.")
            elif self.parent.party_id is not None:
                errors["parent"] = _(
                    "Only a joint milestone can be broken down by party."
                )
        done = self.status == MilestoneStatus.DONE
        if (
            done
            and self.pk
            and self.party_id is None
            and self.parts.exclude(status=MilestoneStatus.DONE).exists()
        ):
            errors["status"] = _(
                "A joint milestone is complete only when every party's part is done."
            )
        if not done and self.parent_id and self.parent.status == MilestoneStatus.DONE:
            errors["status"] = _(
                "The joint milestone is already done; reopen it first."
            )
        if done != (self.completed_at is not None):
            errors.setdefault(
                "completed_at",
                _("A milestone has a completion time exactly when it is done."),
            )
        if errors:
            raise ValidationError(errors)
