"""Business events of the coordinators' workflow, written by the services in the
same transaction as the state change they explain."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import OVERRIDE_LIGHTS, ClaimStatus, Decision, ExtensionStatus, Light


class CompletionClaim(models.Model):
    """One owner party's claim that a task is complete (申请销号)."""

    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="completion_claims",
    )
    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("claiming party"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    explanation = models.TextField(_("explanation"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ClaimStatus, default=ClaimStatus.OPEN
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("completion claim")
        verbose_name_plural = _("completion claims")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status="open"),
                name="claim_one_open_per_task",
                violation_error_message=_(
                    "This task already has an open completion claim."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="claim_closed_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.task.code} · {self.party} · {self.get_status_display()}"


class ClaimDecision(models.Model):
    """Another owner party's confirmation or rejection of a completion claim."""

    claim = models.ForeignKey(
        CompletionClaim,
        verbose_name=_("completion claim"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("deciding party"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision)
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("counterpart confirmation")
        verbose_name_plural = _("counterpart confirmations")
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "party"],
                name="decision_one_per_party",
                violation_error_message=_(
                    "Your party has already decided on this claim."
                ),
            ),
            models.CheckConstraint(
                condition=Q(decision="confirm") | ~Q(reason=""),
                name="decision_rejection_has_reason",
                violation_error_message=_("Give a reason for the rejection."),
            ),
        ]

    def __str__(self):
        return f"{self.claim} · {self.party} · {self.get_decision_display()}"


class ExtensionRequest(models.Model):
    """A request to move a task's due date (申请延期), decided by the joint office."""

    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("requesting party"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_due_date = models.DateField(_("due date when requested"))
    requested_due_date = models.DateField(_("requested due date"))
    days_overdue = models.PositiveIntegerField(
        _("days overdue when requested"), default=0
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExtensionStatus,
        default=ExtensionStatus.PENDING,
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The office's written opinion, required for approval and refusal alike.
    decision_note = models.TextField(_("decision note"), blank=True)
    # The due date the office granted: the requested one unless it chose
    # another. The request keeps the date it was asked at (current_due_date)
    # and the days overdue then, so the record of lateness stays on file.
    granted_due_date = models.DateField(_("granted due date"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status="pending"),
                name="extension_one_pending_per_task",
                violation_error_message=_(
                    "This task already has an extension request awaiting decision."
                ),
            ),
            models.CheckConstraint(
                condition=Q(requested_due_date__gt=F("current_due_date")),
                name="extension_moves_due_date_later",
                violation_error_message=_(
                    "The new due date must be later than the current one."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="extension_has_reason",
                violation_error_message=_("Give a reason for the extension."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (
                    ~Q(status="pending")
                    & Q(decided_at__isnull=False)
                    & Q(decided_by__isnull=False)
                ),
                name="extension_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=Q(status="approved", granted_due_date__isnull=False)
                | (~Q(status="approved") & Q(granted_due_date__isnull=True)),
                name="extension_approved_has_granted_date",
            ),
            models.CheckConstraint(
                condition=Q(granted_due_date__isnull=True)
                | Q(granted_due_date__gt=F("current_due_date")),
                name="extension_granted_date_later",
                violation_error_message=_(
                    "The new due date must be later than the current one."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.task.code} → {self.requested_due_date} ({self.get_status_display()})"


class LightOverride(models.Model):
    """An administrator's override of a task's computed light, with a reason and
    an expiry; shown wherever the light is."""

    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="light_overrides",
    )
    light = models.CharField(
        _("light"),
        max_length=8,
        choices=[c for c in Light.choices if c[0] in OVERRIDE_LIGHTS],
    )
    reason = models.TextField(_("reason"))
    expires_at = models.DateTimeField(_("expires at"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("light override")
        verbose_name_plural = _("light overrides")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="override_expires_after_creation",
                violation_error_message=_("The override must expire in the future."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="override_has_reason",
                violation_error_message=_("Give a reason for the override."),
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(cleared_at__isnull=True),
                name="override_one_active_per_task",
                violation_error_message=_(
                    "This task already has an override; clear it first."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.task.code} · {self.get_light_display()}"
