"""The report library over the API: plumbing over the selectors and services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.idempotency import idempotent
from config.api.inputs import validated
from config.api.schema import creating
from config.exceptions import NotFound
from tracker.selectors import get_visible, initiative_list_for_user

from .. import selectors, services
from ..downloads import FileNotReady, report_file_response
from ..models import ReportSubscription
from ..render import CONTENT_TYPES
from . import filters
from .serializers import (
    ReportRenditionSerializer,
    ReportRequestInput,
    ReportSerializer,
    ReportSubscriptionInput,
    ReportSubscriptionSerializer,
)

# How long a client waits before asking again how far a rendition is.
RETRY_AFTER_SECONDS = 2


def _initiative(user, pk):
    return get_visible(initiative_list_for_user(user=user), pk)


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Reports: weekly and monthly ones come from the schedule; leadership and
    administrators may ask for one now (it is generated in the background)."""

    serializer_class = ReportSerializer
    filterset_class = filters.ReportFilter
    ordering_fields = ["period_end", "requested_at"]

    def get_queryset(self):
        return selectors.report_list_for_user(user=self.request.user)

    def get_object(self):
        return selectors.report_get_for_user(
            user=self.request.user, report_id=self.kwargs["pk"], with_snapshot=False
        )

    @extend_schema(
        request=ReportRequestInput,
        responses={200: ReportSerializer, 202: ReportSerializer},
        parameters=creating(None, (200, 202)),
    )
    @idempotent
    def create(self, request):
        data = validated(ReportRequestInput, request)
        initiative = _initiative(request.user, data.pop("initiative"))
        report, created = services.report_request(
            initiative=initiative, requested_by=request.user, **data
        )
        code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        response = Response(ReportSerializer(report).data, status=code)
        response["Location"] = f"/api/v1/reports/{report.pk}/"
        return response

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def snapshot(self, request, pk=None):
        """The frozen data the report was made from."""
        report = selectors.report_get_for_user(user=request.user, report_id=pk)
        if report.snapshot is None:
            raise NotFound()
        return Response(report.snapshot)

    @extend_schema(
        parameters=[
            # The URL's own pattern reads `^html|pdf|xlsx$` in the schema,
            # which also admits "htmlx": name the three formats instead.
            OpenApiParameter(
                "fmt",
                str,
                OpenApiParameter.PATH,
                enum=list(CONTENT_TYPES),
                description="The file's format.",
            ),
            OpenApiParameter(
                "lang",
                str,
                enum=["zh-hans", "en"],
                description=(
                    "Language of the file. zh-hans is made with the report; "
                    "another language is made on first request (202)."
                ),
            ),
        ],
        responses={
            **{
                (200, content_type.split(";")[0]): OpenApiTypes.BINARY
                for content_type in CONTENT_TYPES.values()
            },
            (202, "application/json"): OpenApiResponse(
                ReportRenditionSerializer,
                description=(
                    "The files in this language are being made; poll the "
                    "Location, then download again."
                ),
            ),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"download/(?P<fmt>html|pdf|xlsx)",
        url_name="download",
    )
    def download(self, request, pk=None, fmt=None):
        report = selectors.report_get_for_user(user=request.user, report_id=pk)
        try:
            return report_file_response(report, fmt, language=request.GET.get("lang"))
        except FileNotReady as pending:
            data = ReportRenditionSerializer(pending.rendition).data
            response = Response(data, status=status.HTTP_202_ACCEPTED)
            response["Location"] = data["url"]
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response

    @extend_schema(responses={200: ReportRenditionSerializer})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"renditions/(?P<language>[a-z]{2}(?:-[a-z]+)?)",
        url_name="rendition",
    )
    def rendition(self, request, pk=None, language=None):
        """How far the files in another language are; a download in that
        language starts them."""
        report = selectors.report_get_for_user(
            user=request.user, report_id=pk, with_snapshot=False
        )
        rendition = report.renditions.filter(language=language).first()
        if rendition is None:
            raise NotFound()
        return Response(ReportRenditionSerializer(rendition).data)


class ReportSubscriptionViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """My report e-mails: a link and the PDF when a report of the kind is ready."""

    serializer_class = ReportSubscriptionSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ReportSubscription.objects.none()
        return ReportSubscription.objects.filter(
            user=self.request.user,
            initiative__in=initiative_list_for_user(user=self.request.user),
        ).order_by("initiative", "kind", "scope")

    @extend_schema(
        request=ReportSubscriptionInput,
        responses={201: ReportSubscriptionSerializer},
        parameters=creating(None, (201,)),
    )
    @idempotent
    def create(self, request):
        data = validated(ReportSubscriptionInput, request)
        initiative = _initiative(request.user, data.pop("initiative"))
        subscription = services.report_subscribe(
            user=request.user, initiative=initiative, **data
        )
        return Response(
            ReportSubscriptionSerializer(subscription).data,
            status=status.HTTP_201_CREATED,
        )

    def perform_destroy(self, instance):
        services.report_unsubscribe(user=self.request.user, subscription=instance)
