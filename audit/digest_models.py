"""The daily chain digest mail: who asked for it, and what each of them was sent.

Imported by audit/models.py; the mailing itself is audit/digest.py.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import history_events


class DigestSubscription(models.Model):
    """Someone who reads the audit trail and wants its chain head mailed daily."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="digest_subscription",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        app_label = "audit"
        verbose_name = _("daily chain digest subscription")
        verbose_name_plural = _("daily chain digest mail")
        ordering = ["user"]
        # Each user subscribes and unsubscribes themselves (audit/digest.py),
        # never through the admin's forms.
        default_permissions = ("view",)

    def __str__(self):
        return str(self.user)


class DigestDelivery(models.Model):
    """The chain head mailed to one subscriber on one day (Beijing time).

    The row is written before the mail is sent and says what was sent, so a run
    repeated the same day sends nothing twice (the unique constraint), and an
    auditor's copy can be checked against it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    email = models.EmailField(_("e-mail address"))
    # Empty while nothing is sealed yet: the mail then says so.
    position = models.BigIntegerField(_("position"), null=True, blank=True)
    chain_digest = models.CharField(_("chain digest"), max_length=64, blank=True)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)
    sealed_last_day = models.PositiveIntegerField(
        _("events sealed in the last 24 hours"), default=0
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        app_label = "audit"
        verbose_name = _("chain digest mail")
        verbose_name_plural = _("chain digest mails")
        ordering = ["-day", "user"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"],
                name="digestdelivery_once_per_user_day",
                violation_error_message=_(
                    "The chain digest was already mailed to this user on this day."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} → {self.email}"


# Who subscribed and unsubscribed is history like any other row (the deliveries
# are not: each is written once and says itself what was sent).
DigestSubscriptionEvent = history_events(DigestSubscription, "DigestSubscriptionEvent")
