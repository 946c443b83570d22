"""The API of progress updates' evidence files: an upload ahead of the update
(large files, slow lines), the fields a progress update names its files with,
how a file is shown, and its download."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.idempotency import idempotent
from config.api.inputs import ScopedIdField, StrictSerializer, validated
from config.api.schema import creating
from config.api.uploads import KINDS, evidence_response

from .. import services
from ..models import UpdateEvidence
from ..selectors import evidence as selectors
from ..services.evidence import EvidenceSpec, evidence_kinds, max_files, upload_ttl


class NamedEvidenceFileField(serializers.FileField):
    """An evidence file, checked as every one is; a refusal names the file."""

    def to_internal_value(self, data):
        uploaded = super().to_internal_value(data)
        try:
            evidence_kinds([uploaded])
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return uploaded


class EvidenceFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = UpdateEvidence
        fields = ["id", "name", "size", "content_type", "uploaded_at", "download_url"]

    def get_download_url(self, row) -> str:
        return reverse("api:evidence-file-download", args=[row.pk])


class UploadSerializer(EvidenceFileSerializer):
    expires_at = serializers.SerializerMethodField(
        help_text=_("Unless a progress update names it by then, it is deleted.")
    )

    class Meta(EvidenceFileSerializer.Meta):
        fields = [*EvidenceFileSerializer.Meta.fields, "expires_at"]

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_expires_at(self, row) -> str:
        return serializers.DateTimeField().to_representation(
            row.uploaded_at + upload_ttl()
        )


class UploadInput(StrictSerializer):
    file = NamedEvidenceFileField(
        help_text=_("PDF, JPG, PNG, DOCX or XLSX, checked by its content.")
    )


class EvidenceInputMixin(serializers.Serializer):
    """A progress update's files: sent with it, or uploaded ahead."""

    evidence_files = serializers.ListField(
        child=NamedEvidenceFileField(),
        required=False,
        max_length=max_files(),
        help_text=_("Evidence files of the update, one multipart/form-data part each."),
    )
    evidence_ids = ScopedIdField(
        UpdateEvidence,
        scope=selectors.pending_upload_list_for_user,
        many=True,
        required=False,
        help_text=_(
            "Ids of your own uploads (POST /api/v1/uploads/) to attach to the update."
        ),
    )

    @staticmethod
    def pop_evidence(data: dict) -> EvidenceSpec:
        return EvidenceSpec(
            files=tuple(data.pop("evidence_files", ()) or ()),
            uploads=tuple(data.pop("evidence_ids", ()) or ()),
        )


class UploadViewSet(viewsets.GenericViewSet):
    """A file uploaded ahead of its progress update: yours alone, until an
    update of yours names it in `evidence_ids`; deleted after a day if none
    does."""

    serializer_class = UploadSerializer

    def get_queryset(self):
        return selectors.pending_upload_list_for_user(user=self.request.user)

    @extend_schema(
        request={"multipart/form-data": UploadInput},
        responses={201: UploadSerializer},
        parameters=creating(None),
    )
    @idempotent
    def create(self, request):
        data = validated(UploadInput, request)
        row = services.evidence_upload(actor=request.user, file=data["file"])
        return Response(UploadSerializer(row).data, status=status.HTTP_201_CREATED)


class EvidenceFileViewSet(viewsets.GenericViewSet):
    serializer_class = EvidenceFileSerializer

    def get_queryset(self):
        return selectors.evidence_list_for_user(user=self.request.user)

    @extend_schema(
        responses={
            (200, media_type): OpenApiTypes.BINARY
            for _extensions, media_type in KINDS.values()
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        row = selectors.evidence_get_for_user(user=request.user, pk=pk)
        return evidence_response(row.file, filename=row.name)
