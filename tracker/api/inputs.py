"""What the API accepts. Every input serializer refuses fields it does not
know, so a client can never smuggle `status` or `lead_party` into a write."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Agency, Party
from config.api.uploads import EvidenceFileField

from ..choices import Light, MilestoneStatus, Priority, TaskList
from ..models import Indicator, WorkStream
from ..services import ReadingSpec


class StrictSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = set(data.keys()) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [_("This field cannot be set here.")]
                        for name in sorted(unknown)
                    }
                )
        return super().to_internal_value(data)


class ActingPartyMixin(serializers.Serializer):
    party = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_(
            "The owner party you act for; needed only if you coordinate several."
        ),
    )


class TaskPatchInput(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    work_stream = serializers.PrimaryKeyRelatedField(
        queryset=WorkStream.objects.all(), required=False
    )
    task_list = serializers.ChoiceField(choices=TaskList.choices, required=False)
    lead_party = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(), required=False, allow_null=True
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    planned_start = serializers.DateField(required=False, allow_null=True)


class MilestonePatchInput(StrictSerializer):
    status = serializers.ChoiceField(choices=MilestoneStatus.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    title = serializers.CharField(max_length=200, required=False)
    due_date = serializers.DateField(required=False)
    weight = serializers.IntegerField(min_value=1, max_value=100, required=False)
    sort_order = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class OwnerPatchInput(StrictSerializer):
    contact_name = serializers.CharField(max_length=64, required=False)
    contact_phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True
    )
    contact_user = serializers.IntegerField(required=False, allow_null=True)
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False
    )


class TaskIndicatorField(serializers.PrimaryKeyRelatedField):
    """An indicator of the task the request is about (`context["task"]`): the
    id of any other is refused like one that does not exist."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Indicator.objects.all(), **kwargs)

    def get_queryset(self):
        task = self.context.get("task")
        return Indicator.objects.none() if task is None else task.indicators.all()


READING_FIELDS = ("period", "value", "evidence")


class ProgressUpdateInput(StrictSerializer, ActingPartyMixin):
    """A progress update, and with it (optionally) one indicator's value for a
    period with its evidence file: recorded both or neither. The file needs a
    multipart/form-data body."""

    narrative = serializers.CharField(max_length=4000)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    indicator = TaskIndicatorField(
        required=False,
        allow_null=True,
        help_text=_(
            "An indicator of this task whose value you report with the update."
        ),
    )
    period = serializers.DateField(
        required=False, help_text=_("With `indicator`: the end of the period.")
    )
    value = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        required=False,
        help_text=_("With `indicator`: its value for the period."),
    )
    evidence = EvidenceFileField(
        required=False,
        allow_null=True,
        help_text=_("With `indicator`: the evidence file (multipart/form-data)."),
    )

    def validate(self, data):
        indicator = data.pop("indicator", None)
        given = {name: data.pop(name, None) for name in READING_FIELDS}
        if indicator is None:
            errors = {
                name: [_("Choose the indicator the value and file are for.")]
                for name, value in given.items()
                if value is not None
            }
            if errors:
                raise serializers.ValidationError(errors)
            return data
        missing = {
            name: [_("Needed with a reading.")]
            for name in ("period", "value")
            if given[name] is None
        }
        if missing:
            raise serializers.ValidationError(missing)
        data["reading"] = ReadingSpec(indicator=indicator, **given)
        return data


class ReadingInput(StrictSerializer, ActingPartyMixin):
    period = serializers.DateField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    evidence = EvidenceFileField(required=False, allow_null=True)


class ClaimInput(StrictSerializer, ActingPartyMixin):
    explanation = serializers.CharField(
        required=False, allow_blank=True, max_length=4000
    )


class ConfirmInput(StrictSerializer, ActingPartyMixin):
    pass


class RejectInput(StrictSerializer, ActingPartyMixin):
    reason = serializers.CharField(max_length=4000)


class StartInput(StrictSerializer, ActingPartyMixin):
    pass


class ReasonInput(StrictSerializer):
    reason = serializers.CharField(max_length=4000)


class ResumeInput(StrictSerializer):
    pass


class ExtensionInput(StrictSerializer, ActingPartyMixin):
    requested_due_date = serializers.DateField()
    reason = serializers.CharField(max_length=4000)


class ExtensionDecisionInput(StrictSerializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class LightOverrideInput(StrictSerializer):
    light = serializers.ChoiceField(
        choices=[c for c in Light.choices if c[0] != "none"]
    )
    reason = serializers.CharField(max_length=1000)
    expires_at = serializers.DateTimeField()
