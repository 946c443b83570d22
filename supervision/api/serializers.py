"""What the API shows of the 督办 ledger and the workbench. Output only: the
rows come annotated and prefetched from the selectors, and nothing here
queries on its own."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import PartyRefSerializer, UserRefSerializer
from config.api.concurrency import etag_for
from tracker.api.serializers import ExtensionRequestSerializer
from tracker.choices import Light
from tracker.models import CompletionClaim, LightOverride, Task

from ..choices import ANSWERED_KINDS
from ..models import Urge, UrgeTarget


class UrgeTargetSerializer(serializers.ModelSerializer):
    party = PartyRefSerializer(read_only=True)
    answered_by = UserRefSerializer(read_only=True, allow_null=True)
    answerable = serializers.SerializerMethodField(
        help_text=_("An urge or reminder is answered; a notice (通报) is not.")
    )
    response_seconds = serializers.SerializerMethodField(
        help_text=_("Seconds from sending to the answer; null while unanswered.")
    )

    class Meta:
        model = UrgeTarget
        fields = [
            "id",
            "urge",
            "party",
            "answerable",
            "answered_at",
            "answered_by",
            "reply",
            "progress_update",
            "response_seconds",
        ]

    def get_answerable(self, target) -> bool:
        return target.urge.kind in ANSWERED_KINDS

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_response_seconds(self, target) -> int | None:
        if target.answered_at is None:
            return None
        return int((target.answered_at - target.urge.sent_at).total_seconds())


class UrgeSerializer(serializers.ModelSerializer):
    sent_by = UserRefSerializer(read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    targets = serializers.SerializerMethodField()

    class Meta:
        model = Urge
        fields = [
            "id",
            "task",
            "milestone",
            "kind",
            "kind_label",
            "message",
            "sent_by",
            "sent_at",
            "targets",
        ]

    @extend_schema_field(UrgeTargetSerializer(many=True))
    def get_targets(self, urge) -> list:
        targets = list(urge.targets.all())
        for target in targets:
            target.urge = urge  # already in hand: no query per target
        return UrgeTargetSerializer(targets, many=True).data


# --- the workbench --------------------------------------------------------------------


class OfficeTaskSerializer(serializers.ModelSerializer):
    """The item a row of the workbench is about, with the ETag a decision or
    a 催办 on it sends as If-Match."""

    etag = serializers.SerializerMethodField(
        help_text=_("The task's ETag: send it as If-Match to decide or to urge.")
    )

    class Meta:
        model = Task
        fields = ["id", "code", "title", "status", "due_date", "version", "etag"]

    def get_etag(self, task) -> str:
        return etag_for(task)


class OfficeExtensionSerializer(ExtensionRequestSerializer):
    task = OfficeTaskSerializer(read_only=True)

    class Meta(ExtensionRequestSerializer.Meta):
        pass


class OfficeOverrideSerializer(serializers.ModelSerializer):
    task = OfficeTaskSerializer(read_only=True)
    light = serializers.ChoiceField(choices=Light.choices, read_only=True)
    set_by = UserRefSerializer(read_only=True)
    in_force_until = serializers.DateField(
        read_only=True, help_text=_("The last day the override is in force.")
    )
    days_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = LightOverride
        fields = [
            "id",
            "task",
            "light",
            "reason",
            "set_by",
            "expires_at",
            "in_force_until",
            "days_left",
        ]


class OfficeClaimSerializer(serializers.ModelSerializer):
    task = OfficeTaskSerializer(read_only=True)
    party = PartyRefSerializer(read_only=True)
    claimed_by = UserRefSerializer(read_only=True)
    waiting_for = PartyRefSerializer(
        many=True,
        read_only=True,
        help_text=_("The owner parties yet to confirm or reject the claim."),
    )
    days_waiting = serializers.IntegerField(read_only=True)

    class Meta:
        model = CompletionClaim
        fields = [
            "id",
            "task",
            "party",
            "claimed_by",
            "claimed_at",
            "explanation",
            "waiting_for",
            "days_waiting",
        ]


class OfficeOwnerSerializer(serializers.Serializer):
    party = PartyRefSerializer(read_only=True)
    progress = serializers.IntegerField(read_only=True)


class OfficeOverdueSerializer(OfficeTaskSerializer):
    owners = OfficeOwnerSerializer(many=True, read_only=True)
    days_overdue = serializers.IntegerField(
        read_only=True, help_text=_("Days past the item's own due date.")
    )
    milestone_days_overdue = serializers.IntegerField(
        read_only=True,
        help_text=_("Days past the due date of its most overdue milestone."),
    )
    late_milestone = serializers.SerializerMethodField()
    last_urged_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta(OfficeTaskSerializer.Meta):
        fields = [
            *OfficeTaskSerializer.Meta.fields,
            "owners",
            "days_overdue",
            "milestone_days_overdue",
            "late_milestone",
            "last_urged_at",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "due_date": {"type": "string", "format": "date"},
            },
            "required": ["id", "title", "due_date"],
        }
    )
    def get_late_milestone(self, task) -> dict | None:
        if task.late_milestone_id is None:
            return None
        return {
            "id": task.late_milestone_id,
            "title": task.late_milestone_title,
            "due_date": task.late_milestone_due.isoformat(),
        }


class OfficeCountsSerializer(serializers.Serializer):
    extension_requests = serializers.IntegerField(source="extensions")
    overdue_unreminded = serializers.IntegerField(source="overdue")
    waiting_claims = serializers.IntegerField(source="claims")
    expiring_overrides = serializers.IntegerField(source="overrides")


class OfficeSerializer(serializers.Serializer):
    today = serializers.DateField()
    counts = OfficeCountsSerializer()
    extension_requests = OfficeExtensionSerializer(source="extensions", many=True)
    overdue_unreminded = OfficeOverdueSerializer(source="overdue", many=True)
    waiting_claims = OfficeClaimSerializer(source="claims", many=True)
    expiring_overrides = OfficeOverrideSerializer(source="overrides", many=True)
