"""The 督办 ledger (台账): every 催办, reminder and notice on an item, and each
owner party's answer. Written by the services in the transaction of the act."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import CalendarDayKind, ReminderKind, UrgeKind, Watch


class Urge(models.Model):
    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="urges",
    )
    # Set when the urge is about one milestone of the item.
    milestone = models.ForeignKey(
        "tracker.Milestone",
        verbose_name=_("milestone"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="urges",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=UrgeKind)
    message = models.TextField(_("message"), blank=True)
    # Empty for what the daily ladder sends.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("urge")
        verbose_name_plural = _("urges")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["task", "-sent_at"], name="urge_task_time")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=UrgeKind.URGE) | Q(sent_by__isnull=False),
                name="urge_by_hand_has_sender",
            ),
            models.CheckConstraint(
                condition=~Q(kind=UrgeKind.URGE) | ~Q(message=""),
                name="urge_by_hand_has_message",
                violation_error_message=_("Write what the owners should do."),
            ),
        ]

    def __str__(self):
        return f"{self.task.code} · {self.get_kind_display()}"


class UrgeTarget(models.Model):
    """One owner party an urge is addressed to, and its answer: a reply, or a
    progress update that counts as the answer."""

    urge = models.ForeignKey(
        Urge,
        verbose_name=_("urge"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reply = models.TextField(_("reply"), blank=True)
    progress_update = models.ForeignKey(
        "tracker.ProgressUpdate",
        verbose_name=_("progress update"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("urge recipient party")
        verbose_name_plural = _("urge recipient parties")
        ordering = ["urge", "party__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["urge", "party"], name="urge_target_once_per_party"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | (
                    Q(answered_by__isnull=False)
                    & (~Q(reply="") | Q(progress_update__isnull=False))
                ),
                name="urge_answer_complete",
            ),
        ]
        indexes = [
            models.Index(
                fields=["party"],
                condition=Q(answered_at__isnull=True),
                name="urge_target_open",
            )
        ]

    def __str__(self):
        return f"{self.urge} → {self.party}"


# --- the daily ladder ------------------------------------------------------------


class ReminderRule(models.Model):
    """One rung of the automatic ladder, edited by the joint office in the
    admin: what it sends, which due dates it watches and on which day."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind)
    watches = models.CharField(
        _("watches"), max_length=16, choices=Watch, default=Watch.BOTH
    )
    days = models.PositiveSmallIntegerField(
        _("days"),
        help_text=_(
            "Due-date reminder: sent N days before the due date. Overdue "
            "reminder: sent every day from the N-th day overdue. Notices: sent "
            "once when N days overdue. Calendar days."
        ),
    )
    skip_non_working_days = models.BooleanField(
        _("skip non-working days"),
        default=True,
        help_text=_(
            "Send nothing on weekends and public holidays (make-up working days "
            "count as working days); a reminder or notice whose day falls on "
            "one is sent on the next working day."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values),
                name="reminder_rule_kind",
            ),
            # Day 0 overdue is the due date itself: nothing is late yet.
            models.CheckConstraint(
                condition=Q(kind=ReminderKind.DUE_SOON) | Q(days__gte=1),
                name="reminder_rule_overdue_from_day_1",
                violation_error_message=_(
                    "Overdue reminders and notices start on the first day "
                    "overdue at the earliest."
                ),
            ),
        ]

    def __str__(self):
        return self.name


class WorkCalendarDay(models.Model):
    """A day that is not what its weekday says: a public holiday on a weekday,
    or a weekend day worked in exchange (调休上班)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind)
    name = models.CharField(
        _("name"), max_length=50, blank=True, help_text=_("e.g. Spring Festival")
    )

    class Meta:
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class ReminderFiring(models.Model):
    """That a rung fired for one item or milestone and due date, and the urge
    it recorded. Its unique constraints are what make each rung fire once per
    due date (the overdue reminder once per day), whoever runs the ladder and
    however often; a new due date (an approved extension) starts afresh."""

    rule = models.ForeignKey(
        ReminderRule,
        verbose_name=_("reminder rule"),
        on_delete=models.PROTECT,
        related_name="firings",
    )
    # The rule's kind when it fired: the constraints below depend on it, and
    # a rule edited later does not rewrite what was sent.
    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind)
    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    milestone = models.ForeignKey(
        "tracker.Milestone",
        verbose_name=_("milestone"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("due date"))
    day = models.DateField(_("day"))
    urge = models.OneToOneField(
        Urge,
        verbose_name=_("urge"),
        on_delete=models.CASCADE,
        related_name="firing",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder fired")
        verbose_name_plural = _("reminders fired")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "task", "milestone", "due_date"],
                condition=~Q(kind=ReminderKind.OVERDUE),
                nulls_distinct=False,
                name="reminder_fires_once_per_due_date",
            ),
            models.UniqueConstraint(
                fields=["rule", "task", "milestone", "due_date", "day"],
                condition=Q(kind=ReminderKind.OVERDUE),
                nulls_distinct=False,
                name="overdue_reminder_once_a_day",
            ),
        ]
        indexes = [models.Index(fields=["task", "day"], name="reminder_fired_task_day")]

    def __str__(self):
        return f"{self.rule} · {self.task_id} · {self.day:%Y-%m-%d}"


class ReminderDelivery(models.Model):
    """What the ladder told one person about one item on one day. Its unique
    constraint is the daily limit: one message per item, person and day,
    across every rung."""

    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    # The highest rung the message told of.
    firing = models.ForeignKey(
        ReminderFiring,
        verbose_name=_("reminder fired"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    notification = models.ForeignKey(
        "notifications.Notification",
        verbose_name=_("notification"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "recipient", "day"],
                name="reminder_once_per_task_person_day",
            )
        ]

    def __str__(self):
        return f"{self.task_id} → {self.recipient_id} · {self.day:%Y-%m-%d}"
