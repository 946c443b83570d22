from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TaskList(models.TextChoices):
    """The three lists of the next-step plan; a task belongs to one."""

    CO_BUILD = "co_build", _("co-invest and co-build")
    RECIPROCAL = "reciprocal", _("cooperate toward each other")
    JOINT_APPLICATION = (
        "joint_application",
        _("jointly apply to the central government"),
    )


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETION_CLAIMED = "completion_claimed", _("completion claimed")
    COMPLETED = "completed", _("completed")
    SUSPENDED = "suspended", _("suspended")
    CANCELLED = "cancelled", _("cancelled")


class Priority(models.IntegerChoices):
    HIGH = 1, _("high")
    NORMAL = 2, _("normal")
    LOW = 3, _("low")


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")


class Direction(models.TextChoices):
    """Which way an indicator is good."""

    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("awaiting verification")
    VERIFIED = "verified", _("verified")
    DISPUTED = "disputed", _("disputed")


class EvaluationResult(models.TextChoices):
    MET = "met", _("met its creation targets")
    NOT_MET = "not_met", _("did not meet its creation targets")


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("awaiting confirmation")
    CONFIRMED = "confirmed", _("confirmed by every party")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Decision(models.TextChoices):
    CONFIRM = "confirm", _("confirmed")
    REJECT = "reject", _("rejected")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("awaiting decision")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class Light(models.TextChoices):
    """The status light: computed from dates and progress, never typed in."""

    # In Chinese the lights are named by their colour, as a 督办 list says
    # them (亮红灯); the reason beside each says why.
    RED = "red", pgettext_lazy("light", "overdue")
    AMBER = "amber", pgettext_lazy("light", "at risk")
    GREEN = "green", pgettext_lazy("light", "on track")
    # A completed task: neither late nor on track any more, so neutral.
    CLOSED = "closed", _("closed")
    NONE = "none", _("not tracked")


# The lights an administrator may set by hand.
OVERRIDE_LIGHTS = (Light.RED, Light.AMBER, Light.GREEN)


class LightReason(models.TextChoices):
    """Why a task has its light, in the order the light is decided
    (tracker.selectors.with_light); tracker.lights words it."""

    OVERRIDE = "override", _("light overridden by the joint office")
    CLOSED = "closed", _("closed")
    SUSPENDED = "suspended", _("suspended")
    CANCELLED = "cancelled", _("cancelled")
    TASK_OVERDUE = "task_overdue", _("task overdue")
    MILESTONE_OVERDUE = "milestone_overdue", _("milestone overdue")
    MILESTONE_DUE_SOON = "milestone_due_soon", _("milestone due soon")
    DEPENDENCY_DELAY = "dependency_delay", _("held up by a delayed blocker")
    PROGRESS_LAG = "progress_lag", _("progress lags elapsed time")
    ON_TRACK = "on_track", _("on track")


class DependencyCause(models.TextChoices):
    """Why a blocker holds up the item that depends on it."""

    # The blocker's due date moved past the dependent's (milestone's) date.
    DUE_AFTER = "due_after", _("due after the dependent's date")
    RED = "red", _("turned red")


class Confidence(models.TextChoices):
    """How far a forecast finish date can be trusted (tracker.forecast)."""

    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class ProgressRule(models.TextChoices):
    """How a joint item's progress follows from its owner parties' parts. One
    rule for every item (tracker.models.task.PROGRESS_RULE); naming it here is
    what lets the pages, the API and the reports state it."""

    # Rounded down: an item shows 100 % only once every party reports 100 %.
    AVERAGE = "average", _("Overall progress is the average of the parties' progress.")


class Qualifier(models.TextChoices):
    """How a figure is stated. The article gives many figures as lower bounds,
    in two ways of writing: 超过1500公里 (more than) and 200余辆 (-odd)."""

    EXACT = "exact", _("exact")
    MORE_THAN = "more_than", _("more than (lower bound)")
    ODD = "odd", _("and more (lower bound)")


LOWER_BOUNDS = frozenset({Qualifier.MORE_THAN, Qualifier.ODD})
