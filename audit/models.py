"""Row-level history of every table a user can change, kept by PostgreSQL.

Each tracked table gets an event table here, filled by pghistory's triggers on
INSERT, UPDATE and DELETE, whatever path the write took (admin, API, bulk
update, raw SQL). Event rows carry their context (actor, source, request id,
method, path, reason, signed by the application: audit/context.py) and the
database session that wrote them (``pgh_session``, filled in by PostgreSQL
itself) as JSON in the row, so a sealed event is complete on its own. The
triggers run as the audit owner role (audit/triggers.py); the event tables
refuse UPDATE and DELETE (append-only triggers). Nothing here depends on Django
signals.
"""

import pghistory
import pghistory.models
import pghistory.utils
import pgtrigger
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
)

from accounts.models import Agency, Membership, Party, User
from notifications.models import (
    ChatWebhook,
    DigestMail,
    MailSettings,
    Notification,
    NotificationPreference,
)
from parks.models import (
    AssessmentEvidence,
    AssessmentStep,
    AssessmentValue,
    CycleIndicator,
    EvaluationCycle,
    ParkAssessment,
)
from reports.models import Report, ReportSubscription
from supervision.models import ReminderRule, Urge, UrgeTarget, WorkCalendarDay
from tracker.models import (
    ClaimDecision,
    CompletionClaim,
    DependencyAlert,
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    IndustrialPark,
    Initiative,
    InitiativeIndicator,
    InitiativeIndicatorReading,
    LightOverride,
    Milestone,
    ParkPair,
    ParkPairMember,
    Participation,
    ProgressUpdate,
    Task,
    TaskDependency,
    TaskOwner,
    UpdateEvidence,
    WorkStream,
)

from . import triggers


class AuditSession(models.Func):
    """``audit_session()``: the database session writing the row, as JSON
    (migration 0006 defines it). Evaluated by PostgreSQL as the column's
    default, so the application cannot choose what it says."""

    function = "audit_session"
    template = "public.audit_session()"
    output_field = models.JSONField()


class ClockTimestamp(models.Func):
    """The time the row is written (not when its transaction began)."""

    function = "clock_timestamp"
    template = "clock_timestamp()"
    output_field = models.DateTimeField()


class HistoryEvent(pghistory.models.Event):
    """What every event table has besides the tracked row and pghistory's own
    columns: who wrote it, as the database saw it."""

    # The session user, the effective role, application_name, the client's
    # address and port, the backend pid and start, and the transaction id.
    # Null on events recorded before sessions were kept.
    pgh_session = models.JSONField(
        _("database session"), null=True, editable=False, db_default=AuditSession()
    )

    class Meta:
        abstract = True


def history_events(model, name, **kwargs):
    """The event model of a tracked model: its rows written by the triggers of
    audit/triggers.py, with the writing session recorded."""
    return pghistory.create_event_model(
        model,
        triggers.InsertEvent(),
        triggers.UpdateEvent(),
        triggers.DeleteEvent(),
        app_label="audit",
        model_name=name,
        abstract=False,
        base_model=HistoryEvent,
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
InitiativeEvent = history_events(Initiative, "InitiativeEvent")
ParticipationEvent = history_events(Participation, "ParticipationEvent")
WorkStreamEvent = history_events(WorkStream, "WorkStreamEvent")
TaskEvent = history_events(Task, "TaskEvent")
TaskOwnerEvent = history_events(TaskOwner, "TaskOwnerEvent")
MilestoneEvent = history_events(Milestone, "MilestoneEvent")
IndicatorEvent = history_events(Indicator, "IndicatorEvent")
IndicatorReadingEvent = history_events(IndicatorReading, "IndicatorReadingEvent")
InitiativeIndicatorEvent = history_events(
    InitiativeIndicator, "InitiativeIndicatorEvent"
)
InitiativeIndicatorReadingEvent = history_events(
    InitiativeIndicatorReading, "InitiativeIndicatorReadingEvent"
)
ProgressUpdateEvent = history_events(ProgressUpdate, "ProgressUpdateEvent")
UpdateEvidenceEvent = history_events(UpdateEvidence, "UpdateEvidenceEvent")
CompletionClaimEvent = history_events(CompletionClaim, "CompletionClaimEvent")
ClaimDecisionEvent = history_events(ClaimDecision, "ClaimDecisionEvent")
ExtensionRequestEvent = history_events(ExtensionRequest, "ExtensionRequestEvent")
LightOverrideEvent = history_events(LightOverride, "LightOverrideEvent")
TaskDependencyEvent = history_events(TaskDependency, "TaskDependencyEvent")
DependencyAlertEvent = history_events(DependencyAlert, "DependencyAlertEvent")
IndustrialParkEvent = history_events(IndustrialPark, "IndustrialParkEvent")
# Pairs had two parks as columns before they had members: the history rows
# written then keep those columns (an event row is never rewritten).
ParkPairEvent = history_events(
    ParkPair,
    "ParkPairEvent",
    attrs={
        # Null in the rows written before pairs had a batch.
        "batch": models.PositiveSmallIntegerField(_("batch (year)"), null=True),
        "park_a": models.BigIntegerField(
            _("park (before members)"), null=True, db_column="park_a_id"
        ),
        "park_b": models.BigIntegerField(
            _("paired park (before members)"), null=True, db_column="park_b_id"
        ),
    },
)


class RetiredParkEvaluation(models.Model):
    """The evaluation result row as it was (tracker.ParkEvaluation, removed):
    no table any more; it names what audit.ParkEvaluationEvent's rows are the
    history of."""

    class Meta:
        managed = False
        db_table = "tracker_parkevaluation"
        verbose_name = _("park evaluation (before evaluation cycles)")
        verbose_name_plural = _("park evaluations (before evaluation cycles)")
        default_permissions = ()

    def __str__(self):
        return str(self.pk)


class ParkEvaluationEvent(HistoryEvent):
    """The history of the evaluation results recorded before evaluation
    cycles (tracker.ParkEvaluation, removed: its rows became published cycles,
    parks migration 0002). History outlives the row: the table keeps its
    columns and rows and is sealed as before; no trigger writes it any more.
    Defined by hand with the columns pghistory gave it, the tracked row's id
    a plain number now."""

    pgh_obj = models.BigIntegerField(null=True, db_column="pgh_obj_id")
    pgh_context = pghistory.utils.JSONField(null=True)
    pgh_context_id = models.UUIDField(null=True)
    id = models.BigIntegerField()
    park = models.ForeignKey(
        IndustrialPark,
        verbose_name=_("park"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        related_query_name="+",
    )
    round = models.PositiveSmallIntegerField(_("evaluation round (year)"))
    announced_on = models.DateField(_("announced on"))
    result = models.CharField(
        _("result"),
        max_length=16,
        choices=[
            ("met", _("met its creation targets")),
            ("not_met", _("did not meet its creation targets")),
        ],
    )
    note = models.TextField(_("note"), blank=True)

    @property
    def pgh_obj_id(self):
        return self.pgh_obj

    pgh_tracked_model = RetiredParkEvaluation

    @classmethod
    def pghistory_setup(cls):
        # No table tracked, no trigger: nothing for pghistory to set up.
        return None


ParkPairMemberEvent = history_events(ParkPairMember, "ParkPairMemberEvent")

# Park performance evaluation cycles
EvaluationCycleEvent = history_events(EvaluationCycle, "EvaluationCycleEvent")
CycleIndicatorEvent = history_events(CycleIndicator, "CycleIndicatorEvent")
ParkAssessmentEvent = history_events(ParkAssessment, "ParkAssessmentEvent")
AssessmentValueEvent = history_events(AssessmentValue, "AssessmentValueEvent")
AssessmentEvidenceEvent = history_events(AssessmentEvidence, "AssessmentEvidenceEvent")
AssessmentStepEvent = history_events(AssessmentStep, "AssessmentStepEvent")

# What the service told people, when they read it and when it was mailed (not
# each hand-over to the broker: plumbing), and how each person wants to be told
NotificationEvent = history_events(
    Notification, "NotificationEvent", exclude=["email_queued_at"]
)
NotificationPreferenceEvent = history_events(
    NotificationPreference, "NotificationPreferenceEvent"
)
MailSettingsEvent = history_events(MailSettings, "MailSettingsEvent")
DigestMailEvent = history_events(DigestMail, "DigestMailEvent")
# Where group-chat robots and webhooks send, and who changed that. The signing
# secret is a credential, not history: it stays in its own row.
ChatWebhookEvent = history_events(ChatWebhook, "ChatWebhookEvent", exclude=["secret"])
ChatWebhookPartyEvent = history_events(
    ChatWebhook.parties.through, "ChatWebhookPartyEvent"
)

# The 督办 ledger
UrgeEvent = history_events(Urge, "UrgeEvent")
UrgeTargetEvent = history_events(UrgeTarget, "UrgeTargetEvent")
# The ladder's rungs and the holiday calendar it counts working days by
ReminderRuleEvent = history_events(ReminderRule, "ReminderRuleEvent")
WorkCalendarDayEvent = history_events(WorkCalendarDay, "WorkCalendarDayEvent")

# People and rights. Password hashes and login times are not history.
UserEvent = history_events(User, "UserEvent", exclude=["password", "last_login"])
UserGroupEvent = history_events(User.groups.through, "UserGroupEvent")
UserPermissionEvent = history_events(
    User.user_permissions.through, "UserPermissionEvent"
)
PartyEvent = history_events(Party, "PartyEvent")
AgencyEvent = history_events(Agency, "AgencyEvent")
MembershipEvent = history_events(Membership, "MembershipEvent")
GroupEvent = history_events(Group, "GroupEvent")
GroupPermissionEvent = history_events(Group.permissions.through, "GroupPermissionEvent")

# Report schedules
PeriodicTaskEvent = history_events(PeriodicTask, "PeriodicTaskEvent")
CrontabScheduleEvent = history_events(CrontabSchedule, "CrontabScheduleEvent")
IntervalScheduleEvent = history_events(IntervalSchedule, "IntervalScheduleEvent")
ClockedScheduleEvent = history_events(ClockedSchedule, "ClockedScheduleEvent")

# Reports: who asked for what, and each step of its generation. The snapshot is
# frozen with the report and kept on it, not copied into every event.
ReportEvent = history_events(Report, "ReportEvent", exclude=["snapshot"])
ReportSubscriptionEvent = history_events(ReportSubscription, "ReportSubscriptionEvent")


def append_only() -> pgtrigger.Protect:
    """Refuses UPDATE and DELETE, even to the owner unless the trigger is
    disabled. TRUNCATE is not refused by a trigger, which would also stop
    Django's flush (transactional tests); the app role has no TRUNCATE right on
    these tables (grant_app_role finds them by this trigger's name)."""
    return pgtrigger.Protect(
        name="append_only", operation=pgtrigger.Update | pgtrigger.Delete
    )


class AuditSeal(models.Model):
    """One link of the hash chain that seals every event table together.

    Entry n holds the SHA-256 of event n's canonical JSON and
    sha256(chain digest of n-1 + that digest), so changing, deleting or
    reordering any sealed event breaks every later link (see audit/sealing/,
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
        # As on the event tables. A ledger emptied and sealed anew by the
        # owner is caught by the heads kept outside (audit/sealing/anchors.py).
        triggers = [append_only()]

    def __str__(self):
        return f"#{self.position} {self.event_table}:{self.event_pgh_id}"


class SealRun(models.Model):
    """One run of the sealer that sealed or refused something: which ledger
    positions it appended and the database snapshot it saw.

    Runs order the chain by commit: a run seals what had committed when it
    began. The snapshot (``pg_current_snapshot()``: xmin, xmax, the
    transactions then in progress) and its time let the next run tell a row
    written since from one that claims an earlier time (audit/sealing/sealer.py).
    The head digest of every run also leaves the system (the anchor file, the
    reports, the daily mail)."""

    number = models.BigIntegerField(_("run"), primary_key=True)
    sealed_at = models.DateTimeField(_("sealed at"))
    # Null on runs from before snapshots were kept (migration 0007).
    snapshot = models.TextField(_("database snapshot"), blank=True)
    sealer_xid = models.BigIntegerField(_("sealer's transaction"), null=True)
    # Every transaction id given out before the snapshot is below this (the
    # run's own id, when given out with the snapshot); null when unknown.
    next_xid = models.BigIntegerField(_("next transaction id"), null=True)
    first_position = models.BigIntegerField(_("first position"), null=True)
    last_position = models.BigIntegerField(_("last position"), null=True)
    chain_digest = models.CharField(_("chain digest"), max_length=64)
    sealed = models.PositiveIntegerField(_("events sealed"), default=0)
    refused = models.PositiveIntegerField(_("events refused"), default=0)

    class Meta:
        verbose_name = _("sealing run")
        verbose_name_plural = _("sealing runs")
        ordering = ["number"]
        default_permissions = ("view",)
        triggers = [append_only()]

    def __str__(self):
        if self.first_position is None:  # a run that only refused
            return f"#{self.number}"
        return f"#{self.number} {self.first_position}–{self.last_position}"


class RefusedEvent(models.Model):
    """A history row the sealer would not seal: it claims a time before the
    last seal although its transaction began after it, or its transaction had
    committed before the last seal, which would have sealed it. Such a row was
    put into history behind the triggers' back. Kept out of the chain, listed
    by audit_verify, reported once as a security event."""

    class Reason(models.TextChoices):
        BACK_DATED = "back_dated", _("written after the last seal, dated before it")
        ALREADY_VISIBLE = (
            "already_visible",
            _("committed before the last seal, yet not sealed by it"),
        )
        WRONG_TRANSACTION = (
            "wrong_transaction",
            _("inserted by another transaction than the one it names"),
        )

    event_table = models.CharField(_("event table"), max_length=100)
    event_pgh_id = models.BigIntegerField(_("event id"))
    event_time = models.DateTimeField(_("time it claims"), null=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    run = models.BigIntegerField(_("run"))
    refused_at = models.DateTimeField(_("refused at"))

    class Meta:
        verbose_name = _("refused history row")
        verbose_name_plural = _("refused history rows")
        ordering = ["run", "event_table", "event_pgh_id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["event_table", "event_pgh_id"], name="audit_refused_once"
            ),
        ]
        triggers = [append_only()]

    def __str__(self):
        return f"{self.event_table}:{self.event_pgh_id} ({self.reason})"


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
        HISTORY_REFUSED = "history_refused", _("history row refused by the sealer")

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
    # The database session that wrote it, as on the history rows.
    session = models.JSONField(
        _("database session"), null=True, editable=False, db_default=AuditSession()
    )
    # When the row was written, by the database's clock: sealed like the
    # history rows, so subject to the same check against back-dating.
    created_at = models.DateTimeField(_("time"), db_default=ClockTimestamp())

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["kind", "created_at"], name="security_kind_time"),
            models.Index(fields=["created_at"], name="security_time"),
        ]
        triggers = [append_only()]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.username or '-'} · {self.ip or '-'}"


# The daily chain digest mail (audit/digest.py).
from .digest_models import (  # noqa: E402, F401
    DigestDelivery,
    DigestSubscription,
    DigestSubscriptionEvent,
)
