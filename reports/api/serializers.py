from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Party
from config.api.inputs import ScopedIdField, StrictSerializer
from tracker.models import WorkStream
from tracker.selectors import party_list_for_user, work_stream_list_for_user

from ..choices import ReportKind, ReportStatus, ScopeKind
from ..models import Report, ReportFile, ReportRendition, ReportSubscription


def download_url(report_id: int, fmt: str, language: str) -> str:
    url = reverse("reports_api:report-download", args=[report_id, fmt])
    if language != settings.LANGUAGE_CODE:
        url += f"?lang={language}"
    return url


class ReportFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReportFile
        fields = ["format", "language", "size", "sha256", "url"]

    def get_url(self, obj) -> str:
        return download_url(obj.report_id, obj.format, obj.language)


class ReportRenditionSerializer(serializers.ModelSerializer):
    """A report's files in another language, while the worker makes them."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.SerializerMethodField(help_text=_("Where to ask how far it is."))
    files = serializers.SerializerMethodField()

    class Meta:
        model = ReportRendition
        fields = [
            "report",
            "language",
            "status",
            "status_display",
            "step",
            "steps_total",
            "requested_at",
            "finished_at",
            "url",
            "files",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse(
            "reports_api:report-rendition", args=[obj.report_id, obj.language]
        )

    def get_files(self, obj) -> list[dict]:
        if obj.status != ReportStatus.DONE:
            return []
        files = obj.report.files.filter(language=obj.language).order_by("format")
        return ReportFileSerializer(files, many=True).data


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
    # A party or stream of another initiative is the service's to refuse.
    party = ScopedIdField(
        Party, scope=party_list_for_user, required=False, allow_null=True
    )
    work_stream = ScopedIdField(
        WorkStream, scope=work_stream_list_for_user, required=False, allow_null=True
    )
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
