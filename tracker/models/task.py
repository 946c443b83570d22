from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from ..choices import Priority, ProgressRule, TaskList, TaskStatus
from .tally import tally_triggers

NOT_AN_OWNER = _("This party is not an owner of the task.")
# Every item's progress follows from its parts by this rule (derived_progress).
PROGRESS_RULE = ProgressRule.AVERAGE


def derived_progress(parts) -> int:
    """The item's progress from its owner parties' progress (PROGRESS_RULE):
    their average, rounded down, so that 100 means every party is done."""
    parts = list(parts)
    if not parts:
        return 0
    return sum(parts) // len(parts)


class Task(models.Model):
    """A joint item (合作事项) of an initiative, owned by one agency per party."""

    initiative = models.ForeignKey(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    code = models.CharField(
        _("task code"),
        max_length=32,
        help_text=_("Unique within the initiative, e.g. NY-01."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    work_stream = models.ForeignKey(
        "tracker.WorkStream",
        verbose_name=_("work stream"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    # No default: which of the plan's three lists an item belongs to is decided
    # with the item, never assumed.
    task_list = models.CharField(_("list"), max_length=24, choices=TaskList)
    lead_party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("lead party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
    )
    status = models.CharField(
        _("status"), max_length=24, choices=TaskStatus, default=TaskStatus.NOT_STARTED
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority, default=Priority.NORMAL
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    original_due_date = models.DateField(
        _("original due date"),
        editable=False,
        help_text=_("The due date first agreed; extensions never change it."),
    )
    # Derived from the owners' parts (derived_progress), stored because the
    # lists filter and sort by it and the light's progress lag reads it;
    # progress_update_post keeps it current.
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["initiative", "work_stream__sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "code"],
                name="task_code_unique_in_initiative",
                violation_error_message=_(
                    "A task with this code already exists in the initiative."
                ),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="task_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(due_date__gte=F("planned_start")),
                name="task_due_not_before_start",
                violation_error_message=_(
                    "The due date cannot be before the planned start."
                ),
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(original_due_date__gte=F("planned_start")),
                name="task_original_due_not_before_start",
                violation_error_message=_(
                    "The original due date cannot be before the planned start."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.COMPLETED)
                | Q(completed_at__isnull=False),
                name="task_completed_has_time",
                violation_error_message=_(
                    "A completed task needs its completion time."
                ),
            ),
            models.UniqueConstraint(
                fields=["id", "initiative"], name="task_id_initiative_key"
            ),
            models.CheckConstraint(
                condition=Q(task_list__in=TaskList.values),
                name="task_on_a_list",
                violation_error_message=_("A task belongs to one of the lists."),
            ),
        ]
        triggers = tally_triggers()
        # What the task list filters or sorts by (tracker/filters.py,
        # tracker/forms_list.py, the API's ordering), house rule 14.
        indexes = [
            models.Index(
                fields=["initiative", "status"], name="task_initiative_status"
            ),
            models.Index(
                fields=["initiative", "task_list"], name="task_initiative_list"
            ),
            models.Index(fields=["work_stream", "code"], name="task_stream_code"),
            models.Index(fields=["lead_party"], name="task_lead_party"),
            models.Index(fields=["due_date"], name="task_due_date"),
            # The list's default page (by code) and the light filter's, read
            # in order and stopped after a page (tracker.models.TaskLight).
            models.Index(fields=["code"], name="task_code"),
            models.Index(fields=["progress"], name="task_progress"),
            models.Index(fields=["priority"], name="task_priority"),
            models.Index(fields=["updated_at"], name="task_updated_at"),
            models.Index(fields=["title"], name="task_title"),
            # The search: `icontains` is UPPER(column) LIKE UPPER('%word%'),
            # which a trigram index on the same expressions answers.
            GinIndex(
                *(
                    OpClass(Upper(column), name="gin_trgm_ops")
                    for column in ("code", "title", "description")
                ),
                name="task_search",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        if self.original_due_date is None:
            self.original_due_date = self.due_date
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if (
            self.initiative_id
            and self.work_stream_id
            and self.work_stream.initiative_id != self.initiative_id
        ):
            errors["work_stream"] = _("The work stream belongs to another initiative.")
        if (
            self.initiative_id
            and self.lead_party_id
            and not self.initiative.participations.filter(
                party_id=self.lead_party_id
            ).exists()
        ):
            errors["lead_party"] = _(
                "The lead party does not take part in the initiative."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def progress_rule(self) -> ProgressRule:
        """How `progress` follows from the owner parties' parts."""
        return PROGRESS_RULE

    @property
    def is_joint(self) -> bool:
        """Owned by more than one party (owners prefetched)."""
        return len(self.owners.all()) > 1

    def has_owner(self, party_id) -> bool:
        return self.owners.filter(party_id=party_id).exists()


class TaskOwner(models.Model):
    """One participating party's ownership of a task: agency and contact person."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="owners"
    )
    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="task_ownerships",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="task_ownerships",
    )
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact (user)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="task_contacts",
    )
    contact_name = models.CharField(_("contact person"), max_length=64)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    # The party's part of the item: its own latest progress report. Each party
    # reports on its part, so the part has its own version: one party's update
    # never makes another party's form stale.
    progress = models.PositiveSmallIntegerField(
        _("party progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    narrative = models.TextField(_("latest progress narrative"), blank=True)
    progress_reported_at = models.DateTimeField(
        _("progress reported at"), null=True, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("task owner")
        verbose_name_plural = _("task owners")
        ordering = ["task", "party__sort_order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="taskowner_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.UniqueConstraint(
                fields=["task", "party"],
                name="taskowner_one_per_party",
                violation_error_message=_(
                    "This task already has an owner from that party."
                ),
            ),
        ]
        indexes = [models.Index(fields=["party", "task"], name="taskowner_party_task")]

    def __str__(self):
        return f"{self.task.code} · {self.party} · {self.agency}"

    def clean(self):
        errors = {}
        if self.agency_id and self.party_id and self.agency.party_id != self.party_id:
            errors["agency"] = _("The responsible agency must belong to this party.")
        if self.task_id and self.party_id:
            initiative = self.task.initiative
            if not initiative.participations.filter(party_id=self.party_id).exists():
                errors["party"] = _(
                    "This party does not take part in the task's initiative."
                )
        if errors:
            raise ValidationError(errors)
