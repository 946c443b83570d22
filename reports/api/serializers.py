from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tracker.api.inputs import StrictSerializer

from ..choices import ReportKind, ScopeKind
from ..models import Report, ReportFile, ReportSubscription


class ReportFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReportFile
        fields = ["format", "size", "sha256", "url"]

    def get_url(self, obj) -> str:
        return reverse("reports_api:report-download", args=[obj.report_id, obj.format])


class ReportSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    scope_display = serializers.CharField(source="scope_label", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    files = ReportFileSerializer(many=True, read_only=True)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "initiative",
            "kind",
            "kind_display",
            "scope",
            "scope_party",
            "scope_work_stream",
            "scope_display",
            "period_start",
            "period_end",
            "status",
            "status_display",
            "step",
            "steps_total",
            "error",
            "attempts",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "files",
            "page_url",
        ]
        read_only_fields = fields

    def get_page_url(self, obj) -> str:
        return reverse("reports:detail", args=[obj.pk])


class ReportRequestInput(StrictSerializer):
    initiative = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    scope = serializers.ChoiceField(
        choices=ScopeKind.choices, default=ScopeKind.INITIATIVE
    )
    party = serializers.IntegerField(required=False, allow_null=True)
    work_stream = serializers.IntegerField(required=False, allow_null=True)
    period_start = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_(
            "Any day of the week, month or quarter; empty for the last complete "
            "one. Required for on-demand reports."
        ),
    )
    period_end = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The last day; on-demand reports only."),
    )


class ReportSubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportSubscription
        fields = ["id", "initiative", "kind", "scope", "created_at"]
        read_only_fields = ["id", "created_at"]


class ReportSubscriptionInput(StrictSerializer):
    initiative = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    scope = serializers.ChoiceField(
        choices=ScopeKind.choices, default=ScopeKind.INITIATIVE
    )
