"""Row-level history of every table a user can change, kept by PostgreSQL.

Each tracked table gets an event table here, filled by pghistory's triggers on
INSERT, UPDATE and DELETE, whatever path the write took (admin, API, bulk
update, raw SQL). Event rows carry their context (actor, source, request id,
method, path, reason) as JSON in the row itself, so a sealed event is complete
on its own; and the event tables refuse UPDATE and DELETE (append-only
triggers). Nothing here depends on Django signals.
"""

import pghistory
from django.contrib.auth.models import Group
from django.db import models
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
)

from accounts.models import Agency, Membership, Party, User
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
