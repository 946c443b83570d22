"""What the service tells people, one row per recipient and event, and how each
person wants to be told.

The row is the in-app notification, and the e-mail owed for it: `notify()`
decides from the recipient's preferences, when it writes the row, whether it
shows in the notification centre and whether it is mailed (at once, or in the
evening's digest); the worker does the mailing (notifications/mail.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import EmailMode, Event


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.CharField(_("event"), max_length=32, choices=Event)
    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # A path inside the service (never an outside address): where the
    # notification leads when opened.
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # False when the recipient takes this event by e-mail only: the row is
    # then the e-mail owed and its record, not an entry of the centre.
    in_app = models.BooleanField(_("shown in the notification centre"), default=True)
    email_mode = models.CharField(
        _("e-mail"), max_length=8, choices=EmailMode, blank=True, default=""
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # When the mail was last handed to the broker; the sweeper re-queues mail
    # owed whose message was lost (not history: plumbing).
    email_queued_at = models.DateTimeField(_("e-mail queued at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.TextField(_("e-mail error"), blank=True)
    digest = models.ForeignKey(
        "notifications.DigestMail",
        verbose_name=_("daily digest"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The centre's list and the header's unread count.
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=Q(in_app=True),
                name="notification_inbox",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, in_app=True),
                name="notification_unread",
            ),
            # What the worker still owes: single mails (the sweeper) and the
            # evening's digest.
            models.Index(
                fields=["created_at"],
                condition=Q(email_mode=EmailMode.NOW, emailed_at__isnull=True),
                name="notification_mail_owed",
            ),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(email_mode=EmailMode.DIGEST, emailed_at__isnull=True),
                name="notification_digest_owed",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """One person's choice for one event. No row: the defaults of
    notifications/preferences.py."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    event = models.CharField(_("event"), max_length=32, choices=Event)
    enabled = models.BooleanField(_("receive"), default=True)
    in_app = models.BooleanField(_("in the notification centre"), default=True)
    email = models.BooleanField(_("by e-mail"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user", "event"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"], name="notificationpreference_once"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_event_display()}"


class MailSettings(models.Model):
    """How one person takes their e-mail: one message per notification, or
    one digest a day. No row: one message per notification."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="mail_settings",
    )
    daily_digest = models.BooleanField(_("daily digest instead"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification e-mail setting")
        verbose_name_plural = _("notification e-mail settings")
        ordering = ["user"]

    def __str__(self):
        return str(self.user)


class DigestMail(models.Model):
    """The daily digest of one person for one day (Beijing time), written
    before it is sent: a second run the same day finds it and sends nothing
    (the unique constraint)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    email = models.EmailField(_("e-mail address"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        ordering = ["-day", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"],
                name="digestmail_once_per_user_day",
                violation_error_message=_(
                    "The daily digest was already made for this user on this day."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} → {self.email}"


# The group-chat robots and webhooks keep their models in their own package.
from .webhooks.models import ChatWebhook, WebhookDelivery  # noqa: E402, F401
