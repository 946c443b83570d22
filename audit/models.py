"""Row-level history of every table a user can change, kept by PostgreSQL.

Each tracked table gets an event table here, filled by pghistory's triggers on
INSERT, UPDATE and DELETE, whatever path the write took (admin, API, bulk
update, raw SQL). Event rows carry their context (actor, source, request id,
method, path, reason) as JSON in the row itself, so a sealed event is complete
on its own; and the event tables refuse UPDATE and DELETE (append-only
triggers). Nothing here depends on Django signals.
"""

import pghistory
import pghistory.models
import pgtrigger
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
)

from accounts.models import Agency, Membership, Party, User
from reports.models import Report, ReportSubscription
from tracker.models import (
    ClaimDecision,
    CompletionClaim,
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    IndustrialPark,
    Initiative,
    LightOverride,
    Milestone,
    ParkEvaluation,
    ParkPair,
    Participation,
    ProgressUpdate,
    Task,
    TaskOwner,
    WorkStream,
)


def _events(model, name, **kwargs):
    return pghistory.create_event_model(
        model,
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        app_label="audit",
        model_name=name,
        abstract=False,
        # The history outlives the row: no constraint, no cascade.
        obj_field=pghistory.ObjForeignKey(
            on_delete=models.DO_NOTHING,
            db_constraint=False,
            null=True,
            related_name="+",
            related_query_name="+",
        ),
        **kwargs,
    )


# The joint task list
InitiativeEvent = _events(Initiative, "InitiativeEvent")
ParticipationEvent = _events(Participation, "ParticipationEvent")
WorkStreamEvent = _events(WorkStream, "WorkStreamEvent")
TaskEvent = _events(Task, "TaskEvent")
TaskOwnerEvent = _events(TaskOwner, "TaskOwnerEvent")
MilestoneEvent = _events(Milestone, "MilestoneEvent")
IndicatorEvent = _events(Indicator, "IndicatorEvent")
IndicatorReadingEvent = _events(IndicatorReading, "IndicatorReadingEvent")
ProgressUpdateEvent = _events(ProgressUpdate, "ProgressUpdateEvent")
CompletionClaimEvent = _events(CompletionClaim, "CompletionClaimEvent")
ClaimDecisionEvent = _events(ClaimDecision, "ClaimDecisionEvent")
ExtensionRequestEvent = _events(ExtensionRequest, "ExtensionRequestEvent")
LightOverrideEvent = _events(LightOverride, "LightOverrideEvent")
IndustrialParkEvent = _events(IndustrialPark, "IndustrialParkEvent")
ParkPairEvent = _events(ParkPair, "ParkPairEvent")
ParkEvaluationEvent = _events(ParkEvaluation, "ParkEvaluationEvent")

# People and rights. Password hashes and login times are not history.
UserEvent = _events(User, "UserEvent", exclude=["password", "last_login"])
UserGroupEvent = _events(User.groups.through, "UserGroupEvent")
UserPermissionEvent = _events(User.user_permissions.through, "UserPermissionEvent")
PartyEvent = _events(Party, "PartyEvent")
AgencyEvent = _events(Agency, "AgencyEvent")
MembershipEvent = _events(Membership, "MembershipEvent")
GroupEvent = _events(Group, "GroupEvent")
GroupPermissionEvent = _events(Group.permissions.through, "GroupPermissionEvent")

# Report schedules
PeriodicTaskEvent = _events(PeriodicTask, "PeriodicTaskEvent")
CrontabScheduleEvent = _events(CrontabSchedule, "CrontabScheduleEvent")
IntervalScheduleEvent = _events(IntervalSchedule, "IntervalScheduleEvent")
ClockedScheduleEvent = _events(ClockedSchedule, "ClockedScheduleEvent")

# Reports: who asked for what, and each step of its generation. The snapshot is
# frozen with the report and kept on it, not copied into every event.
ReportEvent = _events(Report, "ReportEvent", exclude=["snapshot"])
ReportSubscriptionEvent = _events(ReportSubscription, "ReportSubscriptionEvent")


class AuditSeal(models.Model):
    """One link of the hash chain that seals every event table together.

    Entry n holds the SHA-256 of event n's canonical JSON and
    sha256(chain digest of n-1 + that digest), so changing, deleting or
    reordering any sealed event breaks every later link (see audit/sealing.py,
    which writes and verifies it). Like the event tables, the ledger only ever
    grows: UPDATE and DELETE are refused by a trigger, installed after migrate
    (PGTRIGGER_MIGRATIONS is off).
    """

    # Chosen by the sealer under an advisory lock (previous + 1), not by a
    # sequence, whose rolled-back values would leave gaps.
    position = models.BigIntegerField(_("position"), primary_key=True)
    event_table = models.CharField(_("event table"), max_length=100)
    event_pgh_id = models.BigIntegerField(_("event id"))
    event_digest = models.CharField(_("event digest"), max_length=64)
    chain_digest = models.CharField(_("chain digest"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"))

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["position"]
        # Nobody adds, changes or deletes seals through Django: no such rights.
        default_permissions = ("view",)
        constraints = [
            # An event is sealed once; a second sealer racing past the lock
            # would fail here instead of forking the chain.
            models.UniqueConstraint(
                fields=["event_table", "event_pgh_id"], name="audit_seal_event_once"
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="audit_seal_position_gte_1"
            ),
        ]
        triggers = [
            # As on the event tables. TRUNCATE is not refused by a trigger, which
            # would also stop Django's flush (transactional tests); the app role
            # has no TRUNCATE right on audit tables (grant_app_role), and an
            # emptied, re-sealed ledger fails `audit_verify --expect` with the
            # digest the auditors keep.
            pgtrigger.Protect(
                name="append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self):
        return f"#{self.position} {self.event_table}:{self.event_pgh_id}"


class AuditLog(pghistory.models.Events):
    """Every event of every event table, as one list (pghistory's union view).

    No table: the rows are a UNION ALL over the event tables, each carrying its
    snapshot, its diff from the object's previous event, and these fields read
    from the context JSON (so they can be filtered and joined on)."""

    user = pghistory.ProxyField(
        "pgh_context__user",
        models.ForeignKey(
            "accounts.User",
            verbose_name=_("actor"),
            on_delete=models.DO_NOTHING,
            db_constraint=False,
            null=True,
            related_name="+",
        ),
    )
    source = pghistory.ProxyField(
        "pgh_context__source", models.TextField(_("source"), null=True)
    )
    request_id = pghistory.ProxyField(
        "pgh_context__request_id", models.TextField(_("request id"), null=True)
    )
    reason = pghistory.ProxyField(
        "pgh_context__reason", models.TextField(_("reason"), null=True)
    )

    class Meta:
        proxy = True
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        # Read only, by construction: nobody may add, change or delete history.
        default_permissions = ("view",)


class SecurityEvent(models.Model):
    """A refused sign-in, a lockout or a refused write: who tried what, from
    where. Written by audit/security.py; append-only like the event tables."""

    class Kind(models.TextChoices):
        LOGIN_FAILED = "login_failed", _("failed sign-in")
        LOCKOUT = "lockout", _("locked out")
        WRITE_REFUSED = "write_refused", _("write refused")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    username = models.CharField(_("username tried"), max_length=150, blank=True)
    # Kept when the account is deleted: no constraint, no cascade (and the
    # table refuses the UPDATE a SET NULL would need).
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=8, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["kind", "created_at"], name="security_kind_time"),
            models.Index(fields=["created_at"], name="security_time"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.username or '-'} · {self.ip or '-'}"


# The daily chain digest mail (audit/digest.py).
from .digest_models import (  # noqa: E402, F401
    DigestDelivery,
    DigestSubscription,
    DigestSubscriptionEvent,
)
