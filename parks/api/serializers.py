"""What the parks API shows: explicit fields, no writes (the inputs are in
inputs.py)."""

from rest_framework import serializers

from accounts.models import Party
from tracker.models import IndustrialPark, ParkPair

from .. import workflow
from ..models import (
    AssessmentEvidence,
    AssessmentStep,
    AssessmentValue,
    CycleIndicator,
    EvaluationCycle,
    ParkAssessment,
)
from ..permissions import SCORE_STEPS, results_visible


class ParkPartyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "code", "name", "short_name"]


class ParkSerializer(serializers.ModelSerializer):
    party = ParkPartyBriefSerializer()
    agency = serializers.CharField(source="agency.name", default=None, allow_null=True)

    class Meta:
        model = IndustrialPark
        fields = ["id", "name", "party", "city_county", "batch", "agency"]


class ParkBriefSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="party.code")

    class Meta:
        model = IndustrialPark
        fields = ["id", "name", "party"]


class ParkPairSerializer(serializers.ModelSerializer):
    parks = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()

    class Meta:
        model = ParkPair
        fields = ["id", "initiative", "name", "label", "batch", "paired_on", "parks"]

    def get_label(self, pair) -> str:
        return pair.name or " ⇄ ".join(m.park.name for m in pair.members.all())

    def get_parks(self, pair) -> list[dict]:
        return [ParkBriefSerializer(member.park).data for member in pair.members.all()]


class ParkIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = CycleIndicator
        fields = [
            "id",
            "code",
            "name",
            "unit",
            "description",
            "rule",
            "threshold",
            "lower",
            "upper",
            "higher_is_better",
            "weight",
            "sort_order",
        ]


class ParkCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationCycle
        fields = [
            "id",
            "initiative",
            "name",
            "batch",
            "period_start",
            "period_end",
            "submit_due",
            "review_due",
            "score_due",
            "publish_due",
            "pass_score",
            "state",
            "announced_on",
            "published_at",
            "version",
        ]


class ParkCycleDetailSerializer(ParkCycleSerializer):
    indicators = ParkIndicatorSerializer(many=True)

    class Meta(ParkCycleSerializer.Meta):
        fields = [*ParkCycleSerializer.Meta.fields, "indicators"]


class ParkAssessmentSerializer(serializers.ModelSerializer):
    park = ParkBriefSerializer()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = ParkAssessment
        fields = [
            "id",
            "cycle",
            "park",
            "pair",
            "state",
            "version",
            "computed_score",
            "score",
            "adjustment_reason",
            "outcome",
            "rank",
            "submitted_at",
            "updated_at",
            "actions",
        ]

    # Hidden from everyone but the joint office until the cycle is published.
    score_fields = ("computed_score", "score", "adjustment_reason")

    def get_actions(self, assessment) -> list[str]:
        user = self.context["request"].user
        return list(workflow.available_actions(user, assessment))

    def to_representation(self, assessment):
        data = super().to_representation(assessment)
        if not results_visible(self.context["request"].user, assessment.cycle):
            for field in self.score_fields:
                data[field] = None
            for value in data.get("values", ()):
                value["computed_score"] = None
            for step in data.get("steps", ()):
                if step["action"] in SCORE_STEPS:
                    step["comment"] = ""
        return data


class ParkValueSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator.code")

    class Meta:
        model = AssessmentValue
        fields = ["code", "value", "is_lower_bound", "note", "computed_score"]


class ParkEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentEvidence
        fields = ["id", "name", "size", "content_type", "uploaded_at"]


class ParkStepSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.__str__")
    party = serializers.CharField(source="party.code", default=None, allow_null=True)
    indicator = serializers.CharField(
        source="indicator.code", default=None, allow_null=True
    )

    class Meta:
        model = AssessmentStep
        fields = [
            "action",
            "from_state",
            "to_state",
            "indicator",
            "comment",
            "actor",
            "party",
            "created_at",
        ]


class ParkAssessmentDetailSerializer(ParkAssessmentSerializer):
    values = ParkValueSerializer(many=True)
    evidence = ParkEvidenceSerializer(many=True)
    steps = ParkStepSerializer(many=True)

    class Meta(ParkAssessmentSerializer.Meta):
        fields = [*ParkAssessmentSerializer.Meta.fields, "values", "evidence", "steps"]
