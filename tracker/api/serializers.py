"""What the API shows. Output serializers read annotated, prefetched rows and
never query on their own; input serializers are in `inputs.py`."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Agency, Party
from accounts.serializers import PartyRefSerializer, UserRefSerializer
from config.api.concurrency import etag_for, etag_of

from .. import workflow
from ..choices import (
    Confidence,
    Light,
    LightReason,
    ProgressRule,
    Qualifier,
    TaskStatus,
)
from ..figures import figure_text, is_lower_bound
from ..forecast import RULE, forecast_text
from ..lights import reason_dict
from ..models import (
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    Initiative,
    Milestone,
    ProgressUpdate,
    Task,
    TaskOwner,
    WorkStream,
)
from ..models.task import PROGRESS_RULE
from ..permissions import available_actions
from ..selectors.forecast import stored_forecast
from .evidence import EvidenceFileSerializer


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "short_name"]


class WorkStreamSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkStream
        fields = ["id", "initiative", "code", "name", "description", "sort_order"]


class WorkStreamRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkStream
        fields = ["id", "code", "name"]


class InitiativeSerializer(serializers.ModelSerializer):
    parties = PartyRefSerializer(many=True, read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "description",
            "launched_on",
            "parties",
        ]


class OwnerSerializer(serializers.ModelSerializer):
    """An owner party of a task and its part of the item: the party's own
    progress and latest narrative, with the version of the part and its ETag,
    which a progress update by the party sends in If-Match."""

    party = PartyRefSerializer(read_only=True)
    agency = AgencyRefSerializer(read_only=True)
    etag = serializers.SerializerMethodField(
        help_text=_("Send it in If-Match with this party's next progress update.")
    )

    class Meta:
        model = TaskOwner
        fields = [
            "id",
            "task",
            "party",
            "agency",
            "contact_name",
            "contact_phone",
            "progress",
            "narrative",
            "progress_reported_at",
            "version",
            "etag",
        ]

    def get_etag(self, owner) -> str:
        return etag_for(owner)


class LightOverrideSerializer(serializers.Serializer):
    light = serializers.ChoiceField(choices=Light.choices)
    reason = serializers.CharField()
    expires_at = serializers.DateTimeField()


class LightReasonSerializer(serializers.Serializer):
    """Why the light is what it is: a stable code, its figures (days, the
    milestone's title, percentage points, who overrode it until when) and the
    sentence the pages show (tracker.lights)."""

    code = serializers.ChoiceField(choices=LightReason.choices)
    text = serializers.CharField()
    figures = serializers.DictField()


class LightSerializer(serializers.Serializer):
    """The light as shown everywhere: its value, the computed one, the
    administrator's override when one is in force, and its reason."""

    value = serializers.ChoiceField(choices=Light.choices)
    label = serializers.CharField()
    computed = serializers.ChoiceField(choices=Light.choices)
    override = LightOverrideSerializer(allow_null=True)
    reason = LightReasonSerializer()


def light_of(task) -> dict:
    override = None
    if task.override_light:
        override = {
            "light": task.override_light,
            "reason": task.override_reason,
            "expires_at": task.override_expires_at,
        }
    return {
        "value": task.light,
        "label": str(Light(task.light).label),
        "computed": task.computed_light,
        "override": override,
        "reason": reason_dict(task),
    }


class TaskSerializer(serializers.ModelSerializer):
    work_stream = WorkStreamRefSerializer(read_only=True)
    lead_party = PartyRefSerializer(read_only=True, allow_null=True)
    owners = OwnerSerializer(many=True, read_only=True)
    light = serializers.SerializerMethodField()
    extension_count = serializers.IntegerField(read_only=True)
    days_overdue = serializers.IntegerField(read_only=True)
    slip_risk = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "The forecast finish date is more than two weeks after the due date "
            "(see the detail's `forecast`)."
        ),
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    progress_rule = serializers.SerializerMethodField(
        help_text=_("How `progress` follows from the owners' `progress`.")
    )
    progress_rule_label = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "initiative",
            "code",
            "title",
            "work_stream",
            "task_list",
            "lead_party",
            "status",
            "status_label",
            "priority",
            "planned_start",
            "due_date",
            "original_due_date",
            "extension_count",
            "days_overdue",
            "slip_risk",
            "progress",
            "progress_rule",
            "progress_rule_label",
            "completed_at",
            "light",
            "owners",
            "version",
            "updated_at",
        ]

    @extend_schema_field(LightSerializer)
    def get_light(self, task) -> dict:
        return light_of(task)

    @extend_schema_field(serializers.ChoiceField(choices=ProgressRule.choices))
    def get_progress_rule(self, task) -> str:
        return str(PROGRESS_RULE)

    def get_progress_rule_label(self, task) -> str:
        return str(PROGRESS_RULE.label)

    def to_representation(self, task):
        # Built by hand: a list page holds up to 100 tasks with their owners, and
        # DRF's per-field machinery would cost more than the SQL behind it. The
        # declared fields above still define the schema; the API tests and
        # schemathesis check that this output matches it.
        when = _WHEN.to_representation
        stream = task.work_stream
        return {
            "id": task.pk,
            "initiative": task.initiative_id,
            "code": task.code,
            "title": task.title,
            "work_stream": {"id": stream.pk, "code": stream.code, "name": stream.name},
            "task_list": task.task_list,
            "lead_party": _party_ref(task.lead_party),
            "status": task.status,
            # Not get_status_display(), which rebuilds the choices per call.
            "status_label": str(TaskStatus(task.status).label),
            "priority": task.priority,
            "planned_start": _day(task.planned_start),
            "due_date": _day(task.due_date),
            "original_due_date": _day(task.original_due_date),
            "extension_count": task.extension_count,
            "days_overdue": task.days_overdue,
            "slip_risk": task.slip_risk,
            "progress": task.progress,
            "progress_rule": str(PROGRESS_RULE),
            "progress_rule_label": str(PROGRESS_RULE.label),
            "completed_at": when(task.completed_at) if task.completed_at else None,
            "light": light_of(task),
            "owners": _owners(task),
            "version": task.version,
            "updated_at": when(task.updated_at),
        }


# The output of a DateTimeField (the declared `updated_at`'s), without
# building the serializer's fields for every list.
_WHEN = serializers.DateTimeField()


def _owners(task) -> list[dict]:
    """The task's owners as OwnerSerializer declares them: from the plain rows
    the API's list attaches (`owner_rows`), or from the prefetched owners."""
    rows = getattr(task, "owner_rows", None)
    if rows is None:
        rows = [
            (
                owner.pk,
                owner.task_id,
                owner.party_id,
                owner.party.code,
                owner.party.name,
                owner.party.short_name,
                owner.agency_id,
                owner.agency.name,
                owner.agency.short_name,
                owner.contact_name,
                owner.contact_phone,
                owner.progress,
                owner.narrative,
                owner.progress_reported_at,
                owner.version,
            )
            for owner in task.owners.all()
        ]
    return [_owner(*row) for row in rows]


def _owner(
    pk,
    task_id,
    party_id,
    party_code,
    party_name,
    party_short_name,
    agency_id,
    agency_name,
    agency_short_name,
    contact_name,
    contact_phone,
    progress,
    narrative,
    reported_at,
    version,
) -> dict:
    return {
        "id": pk,
        "task": task_id,
        "party": {
            "id": party_id,
            "code": party_code,
            "name": party_name,
            "short_name": party_short_name,
        },
        "agency": {
            "id": agency_id,
            "name": agency_name,
            "short_name": agency_short_name,
        },
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "progress": progress,
        "narrative": narrative,
        "progress_reported_at": _WHEN.to_representation(reported_at)
        if reported_at
        else None,
        "version": version,
        "etag": etag_of(TaskOwner, pk, version),
    }


def _day(value):
    return value.isoformat() if value is not None else None


def _party_ref(party):
    if party is None:
        return None
    return {
        "id": party.pk,
        "code": party.code,
        "name": party.name,
        "short_name": party.short_name,
    }


class MilestoneSerializer(serializers.ModelSerializer):
    party = PartyRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "task",
            "party",
            "parent",
            "title",
            "description",
            "due_date",
            "status",
            "completed_at",
            "weight",
            "version",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    party = PartyRefSerializer(read_only=True, allow_null=True)
    latest_value = serializers.DecimalField(
        max_digits=20, decimal_places=4, read_only=True, allow_null=True
    )
    latest_period = serializers.DateField(read_only=True, allow_null=True)
    latest_qualifier = serializers.ChoiceField(
        choices=Qualifier.choices, read_only=True, allow_null=True
    )
    latest_display = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "task",
            "party",
            "name",
            "unit",
            "baseline",
            "target",
            "direction",
            "latest_value",
            "latest_period",
            "latest_qualifier",
            "latest_display",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_latest_display(self, indicator) -> str | None:
        """The latest value as written: "超过1500公里", "200余辆"."""
        value = getattr(indicator, "latest_value", None)
        if value is None:
            return None
        return figure_text(value, indicator.unit, indicator.latest_qualifier)


class ReadingSerializer(serializers.ModelSerializer):
    party = PartyRefSerializer(read_only=True)
    reported_by = UserRefSerializer(read_only=True)
    evidence_url = serializers.SerializerMethodField()
    is_lower_bound = serializers.SerializerMethodField()
    value_display = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorReading
        fields = [
            "id",
            "indicator",
            "period",
            "value",
            "qualifier",
            "is_lower_bound",
            "value_display",
            "note",
            "party",
            "reported_by",
            "reported_at",
            "verification_status",
            "evidence_url",
        ]

    def get_is_lower_bound(self, reading) -> bool:
        return is_lower_bound(reading.qualifier)

    def get_value_display(self, reading) -> str:
        """The value as written, with its unit: "超过1500公里", "200余辆"."""
        return figure_text(reading.value, reading.indicator.unit, reading.qualifier)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_evidence_url(self, reading) -> str | None:
        if not reading.evidence:
            return None
        return reverse("api:reading-evidence", args=[reading.pk])


class ProgressUpdateSerializer(serializers.ModelSerializer):
    party = PartyRefSerializer(read_only=True)
    author = UserRefSerializer(read_only=True)
    evidence_files = EvidenceFileSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "task",
            "party",
            "author",
            "narrative",
            "progress",
            "reported_at",
            "evidence_files",
        ]


class PostedProgressUpdateSerializer(ProgressUpdateSerializer):
    """A progress update as it was just posted, with the indicator value
    reported with it (none or one)."""

    readings = ReadingSerializer(source="reading_list", many=True, read_only=True)
    part = OwnerSerializer(
        read_only=True,
        help_text=_("The reporting party's part of the task after the update."),
    )
    task_progress = serializers.IntegerField(
        source="task.progress",
        read_only=True,
        help_text=_("The task's progress, derived from its owners' parts."),
    )

    class Meta(ProgressUpdateSerializer.Meta):
        fields = [
            *ProgressUpdateSerializer.Meta.fields,
            "readings",
            "part",
            "task_progress",
        ]


class ExtensionRequestSerializer(serializers.ModelSerializer):
    party = PartyRefSerializer(read_only=True)
    requested_by = UserRefSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "task",
            "party",
            "requested_by",
            "current_due_date",
            "requested_due_date",
            "days_overdue",
            "reason",
            "status",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "granted_due_date",
        ]


class ForecastSerializer(serializers.Serializer):
    forecast_date = serializers.DateField()
    due_date = serializers.DateField()
    slip_days = serializers.IntegerField()
    at_risk = serializers.BooleanField()
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    text = serializers.CharField(help_text=_("The forecast in one sentence."))
    rule = serializers.CharField(help_text=_("How the forecast is made, in one line."))


class TaskDetailSerializer(TaskSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    forecast = serializers.SerializerMethodField(
        help_text=_("The forecast finish date of an open item; null when closed.")
    )
    indicators = IndicatorSerializer(many=True, read_only=True)
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=workflow.ACTION_CHOICES),
        read_only=True,
        help_text=_(
            "What the caller may do on the task now, in its current state and "
            "with its role and party: the task workflow's status transitions and "
            "other actions. The task's web page offers the forms of these."
        ),
    )

    def to_representation(self, task):
        data = super().to_representation(task)
        data["actions"] = list(
            available_actions(self.context["request"].user, task).names
        )
        data["description"] = task.description
        data["milestones"] = self.fields["milestones"].to_representation(
            task.milestones.all()
        )
        data["indicators"] = self.fields["indicators"].to_representation(
            task.indicators.all()
        )
        data["forecast"] = self.get_forecast(task)
        return data

    @extend_schema_field(ForecastSerializer(allow_null=True))
    def get_forecast(self, task) -> dict | None:
        stored = stored_forecast(task)
        if stored is None:
            return None
        return {
            "forecast_date": stored.forecast_date,
            "due_date": stored.due_date,
            "slip_days": stored.slip_days,
            "at_risk": stored.at_risk,
            "confidence": stored.confidence,
            "text": forecast_text(
                forecast_date=stored.forecast_date, slip_days=stored.slip_days
            ),
            "rule": str(RULE),
        }

    class Meta(TaskSerializer.Meta):
        fields = [
            *TaskSerializer.Meta.fields,
            "description",
            "milestones",
            "indicators",
            "actions",
            "forecast",
        ]


class AttentionItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            ("awaiting_confirmation", _("awaiting your party's confirmation")),
            ("milestone_overdue", _("milestone overdue")),
            ("milestone_due_soon", _("milestone due soon")),
            ("extension_pending", _("extension request awaiting decision")),
        ]
    )
    task = serializers.IntegerField()
    task_code = serializers.CharField()
    task_title = serializers.CharField()
    title = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    object_id = serializers.IntegerField()


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "code", "name", "short_name", "kind"]


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "party", "parent", "name", "short_name", "kind", "is_lead"]
