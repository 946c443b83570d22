from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleState(models.TextChoices):
    OPEN = "open", _("in progress")
    PUBLISHED = "published", _("published")


class ScoringRule(models.TextChoices):
    # Full weight when the value reaches the threshold, nothing below it.
    THRESHOLD = "threshold", _("threshold met")
    # Nothing at the lower bound or below, full weight at the upper bound or
    # above, in proportion between them.
    LINEAR = "linear", _("linear between bounds")
    # By the park's place among the cycle's parks: the first gets full weight,
    # the last the share named by the lower bound.
    RANK = "rank", _("by rank in the batch")


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("not yet submitted")
    SUBMITTED = "submitted", _("awaiting review")
    QUERIED = "queried", _("queried by the paired party")
    AGREED = "agreed", _("agreed by the paired party")
    SCORED = "scored", _("scored")
    PUBLISHED = "published", _("published")


class AssessmentAction(models.TextChoices):
    SUBMIT = "submit", _("submitted the values")
    QUERY = "query", _("queried a figure")
    AGREE = "agree", _("agreed")
    SCORE = "score", _("scored")
    ADJUST = "adjust", _("adjusted the score")
    PUBLISH = "publish", _("published")


class EvaluationOutcome(models.TextChoices):
    MET = "met", _("met its creation targets")
    NOT_MET = "not_met", _("did not meet its creation targets")
