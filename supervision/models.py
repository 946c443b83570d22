"""The 督办 ledger (台账): every 催办, reminder and notice on an item, and each
owner party's answer. Written by the services in the transaction of the act."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import UrgeKind


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
