"""The API of circle-wide indicators (全域指标): read by everyone who sees the
initiative; readings recorded by the joint office."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.serializers import UserRefSerializer
from config.api.idempotency import idempotent
from config.api.inputs import StrictSerializer, validated
from config.api.schema import creating

from .. import services
from ..choices import Qualifier
from ..figures import figure_text, is_lower_bound
from ..models import InitiativeIndicator, InitiativeIndicatorReading
from ..selectors.initiative_indicators import (
    initiative_indicator_get_for_user,
    initiative_indicator_list_for_user,
)


class InitiativeReadingSerializer(serializers.ModelSerializer):
    reported_by = UserRefSerializer(read_only=True)
    is_lower_bound = serializers.SerializerMethodField()
    value_display = serializers.SerializerMethodField()

    class Meta:
        model = InitiativeIndicatorReading
        fields = [
            "id",
            "indicator",
            "period",
            "value",
            "qualifier",
            "is_lower_bound",
            "value_display",
            "note",
            "source",
            "reported_by",
            "reported_at",
        ]

    def get_is_lower_bound(self, reading) -> bool:
        return is_lower_bound(reading.qualifier)

    def get_value_display(self, reading) -> str:
        """The value as written, with its unit: "超过1500公里", "200余辆"."""
        return figure_text(reading.value, reading.indicator.unit, reading.qualifier)


class InitiativeIndicatorSerializer(serializers.ModelSerializer):
    latest_value = serializers.DecimalField(
        max_digits=20, decimal_places=4, read_only=True, allow_null=True
    )
    latest_period = serializers.DateField(read_only=True, allow_null=True)
    latest_qualifier = serializers.ChoiceField(
        choices=Qualifier.choices, read_only=True, allow_null=True
    )
    latest_display = serializers.SerializerMethodField()
    readings = serializers.SerializerMethodField()

    class Meta:
        model = InitiativeIndicator
        fields = [
            "id",
            "initiative",
            "name",
            "unit",
            "baseline",
            "target",
            "direction",
            "description",
            "latest_value",
            "latest_period",
            "latest_qualifier",
            "latest_display",
            "readings",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_latest_display(self, indicator) -> str | None:
        if indicator.latest_value is None:
            return None
        return figure_text(
            indicator.latest_value, indicator.unit, indicator.latest_qualifier
        )

    @extend_schema_field(InitiativeReadingSerializer(many=True))
    def get_readings(self, indicator) -> list:
        # The prefetched readings; each names its indicator, already loaded.
        readings = list(indicator.readings.all())
        for reading in readings:
            reading.indicator = indicator
        return InitiativeReadingSerializer(readings, many=True).data


class InitiativeReadingInput(StrictSerializer):
    period = serializers.DateField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4)
    qualifier = serializers.ChoiceField(choices=Qualifier.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    source = serializers.CharField(required=False, allow_blank=True, max_length=200)


class InitiativeIndicatorViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Circle-wide indicators of the initiatives the caller takes part in."""

    serializer_class = InitiativeIndicatorSerializer
    search_fields = ["name"]

    def get_queryset(self):
        return initiative_indicator_list_for_user(user=self.request.user)

    def get_object(self):
        return initiative_indicator_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )

    @extend_schema(
        request=InitiativeReadingInput,
        responses={201: InitiativeReadingSerializer},
        parameters=creating(None, (201,)),
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    @idempotent
    def readings(self, request, pk=None):
        """The joint office records a circle-wide figure for a period."""
        indicator = self.get_object()
        data = validated(InitiativeReadingInput, request)
        reading = services.initiative_indicator_reading_record(
            indicator=indicator, actor=request.user, **data
        )
        return Response(
            InitiativeReadingSerializer(reading).data, status=status.HTTP_201_CREATED
        )
