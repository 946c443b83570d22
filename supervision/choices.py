from django.db import models
from django.utils.translation import gettext_lazy as _


class UrgeKind(models.TextChoices):
    """The rungs of 督办: the office's 催办 by hand, the automatic reminders
    before and after a due date, and the notices (通报) that go up the chain."""

    URGE = "urge", _("urge by the joint office")
    DUE_SOON = "due_soon", _("due-date reminder")
    OVERDUE = "overdue", _("overdue reminder")
    NOTICE_OFFICE = "notice_office", _("notice to the joint office")
    NOTICE_LEADERSHIP = "notice_leadership", _("notice to leadership")


# The kinds an owner party answers; notices inform, they are not answered.
ANSWERED_KINDS = frozenset({UrgeKind.URGE, UrgeKind.DUE_SOON, UrgeKind.OVERDUE})
NOTICE_KINDS = frozenset({UrgeKind.NOTICE_OFFICE, UrgeKind.NOTICE_LEADERSHIP})


# The automatic rungs of the ladder, lowest first: a person who would hear of
# two rungs of one item on the same day hears of the higher one.
LADDER_KINDS = (
    UrgeKind.DUE_SOON,
    UrgeKind.OVERDUE,
    UrgeKind.NOTICE_OFFICE,
    UrgeKind.NOTICE_LEADERSHIP,
)
RUNG_RANK = {kind: rank for rank, kind in enumerate(LADDER_KINDS)}


class ReminderKind(models.TextChoices):
    """The kinds a reminder rule may have: the ladder's rungs (a 催办 by hand
    is the office's act, never a rule's)."""

    DUE_SOON = UrgeKind.DUE_SOON.value, UrgeKind.DUE_SOON.label
    OVERDUE = UrgeKind.OVERDUE.value, UrgeKind.OVERDUE.label
    NOTICE_OFFICE = UrgeKind.NOTICE_OFFICE.value, UrgeKind.NOTICE_OFFICE.label
    NOTICE_LEADERSHIP = (
        UrgeKind.NOTICE_LEADERSHIP.value,
        UrgeKind.NOTICE_LEADERSHIP.label,
    )


class Watch(models.TextChoices):
    """Which due dates a reminder rule watches."""

    TASK = "task", _("the item's due date")
    MILESTONES = "milestones", _("the milestones' due dates")
    BOTH = "both", _("the item's and its milestones' due dates")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("public holiday (no work)")
    MAKEUP_WORKDAY = "makeup_workday", _("make-up working day")
