from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What a notification is about. Preferences and digests are kept per event."""

    CLAIM_FILED = "claim_filed", _("completion claimed by the counterpart")
    CLAIM_CONFIRMED = "claim_confirmed", _("completion confirmed")
    CLAIM_REJECTED = "claim_rejected", _("completion claim returned")
    EXTENSION_REQUESTED = "extension_requested", _("extension requested")
    EXTENSION_DECIDED = "extension_decided", _("extension decided")
    URGE = "urge", _("urged (催办)")
    URGE_REPLY = "urge_reply", _("reply to an urge")
    REMINDER = "reminder", _("reminder")
    PARK_QUERY = "park_query", _("a park's figure queried by the paired party")
    ESCALATION = "escalation", _("escalation notice (通报)")
    REPORT_READY = "report_ready", _("report ready")
    DEPENDENCY_DELAY = "dependency_delay", _("held up by a delayed blocker")


class EmailMode(models.TextChoices):
    """Whether and how a notification is mailed, decided when it is written."""

    NONE = "", _("not mailed")
    NOW = "now", _("one e-mail each")
    DIGEST = "digest", _("in the daily digest")
