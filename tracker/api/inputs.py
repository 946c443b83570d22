"""What the API accepts. Every input serializer refuses fields it does not
know, so a client can never smuggle `status` or `lead_party` into a write, and
every id is one of the rows the caller may use (config.api.inputs)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty

from accounts.models import Agency, Party, User
from config.api.inputs import ScopedIdField, StrictSerializer
from config.api.uploads import EvidenceFileField
from config.exceptions import PermissionDenied

from .. import selectors
from ..choices import (
    OVERRIDE_LIGHTS,
    Light,
    MilestoneStatus,
    Priority,
    Qualifier,
    TaskList,
)
from ..models import Indicator, WorkStream
from ..services import ReadingSpec
from .evidence import EvidenceInputMixin


class ActingPartyField(ScopedIdField):
    """The owner party the caller acts for: one they coordinate. Any other id,
    whether it names a party or not, is refused as acting for another party's
    task is (403), so the answer tells nothing of other parties."""

    def __init__(self, **kwargs):
        super().__init__(
            Party, scope=selectors.coordinated_party_list_for_user, **kwargs
        )

    def fail(self, key, **kwargs):
        if key == "does_not_exist":
            raise PermissionDenied(_("You do not act for that party on this task."))
        super().fail(key, **kwargs)


class ActingPartyMixin(serializers.Serializer):
    party = ActingPartyField(
        required=False,
        allow_null=True,
        help_text=_(
            "The owner party you act for; needed only if you coordinate several."
        ),
    )


class TaskPatchInput(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    work_stream = ScopedIdField(
        WorkStream, scope=selectors.work_stream_list_for_user, required=False
    )
    task_list = serializers.ChoiceField(choices=TaskList.choices, required=False)
    lead_party = ScopedIdField(
        Party,
        scope=selectors.party_list_for_user,
        required=False,
        allow_null=True,
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
    contact_user = ScopedIdField(
        User, scope=selectors.member_list_for_user, required=False, allow_null=True
    )
    agency = ScopedIdField(Agency, scope=selectors.agency_list_for_user, required=False)


class TaskIndicatorField(serializers.PrimaryKeyRelatedField):
    """An indicator of the task the request is about (`context["task"]`): the
    id of any other is refused like one that does not exist."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Indicator.objects.all(), **kwargs)

    def get_queryset(self):
        task = self.context.get("task")
        return Indicator.objects.none() if task is None else task.indicators.all()


READING_FIELDS = ("period", "value", "evidence")


class ProgressUpdateInput(StrictSerializer, ActingPartyMixin, EvidenceInputMixin):
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
        # `evidence` in the body is the reading's file; the service's is the
        # update's files.
        files = self.pop_evidence(data)
        data = self._validate_reading(data)
        data["evidence"] = files
        return data

    def _validate_reading(self, data):
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
    qualifier = serializers.ChoiceField(
        choices=Qualifier.choices,
        required=False,
        help_text=_("`more_than` or `odd` when the value is a lower bound."),
    )


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


class RequiredBooleanField(serializers.BooleanField):
    """A boolean that must be sent, in a form body too: DRF reads a checkbox
    left out of a form as false, which would turn a forgotten `approve` into a
    refusal."""

    default_empty_html = empty


class ExtensionDecisionInput(StrictSerializer):
    approve = RequiredBooleanField()
    opinion = serializers.CharField(
        max_length=4000,
        help_text=_(
            "The joint office's written opinion, required to approve and to "
            "refuse; the requesting party reads it."
        ),
    )
    new_due_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_(
            "When approving: the new due date (default: the requested one); "
            "later than the current due date. Ignored when refusing."
        ),
    )


class LightOverrideInput(StrictSerializer):
    light = serializers.ChoiceField(
        choices=[c for c in Light.choices if c[0] in OVERRIDE_LIGHTS]
    )
    reason = serializers.CharField(max_length=1000)
    expires_at = serializers.DateTimeField()
