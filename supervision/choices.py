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
