"""The parks API: plumbing only. Reads go through the scoped selectors (404
for what the caller may not see); each step is a POST with If-Match (the
assessment's or the cycle's ETag) and Idempotency-Key, one service call, and
answers with the fresh detail."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.concurrency import ETagMixin, expected_version
from config.api.idempotency import idempotent
from config.api.inputs import validated
from config.api.schema import creating

from .. import selectors, services
from . import filters, inputs
from .serializers import (
    ParkAssessmentDetailSerializer,
    ParkAssessmentSerializer,
    ParkCycleDetailSerializer,
    ParkCycleSerializer,
    ParkPairSerializer,
    ParkSerializer,
)


class CycleViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    """Evaluation cycles (绩效评价): the detail with its indicators. The joint
    office publishes a cycle once every park of it is scored."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.CycleFilter

    def get_queryset(self):
        return selectors.cycle_list_for_user(user=self.request.user)

    def get_serializer_class(self):
        return (
            ParkCycleDetailSerializer if self.action != "list" else ParkCycleSerializer
        )

    def get_object(self):
        cycle = selectors.cycle_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )
        self._etag_read_object = cycle
        return cycle

    @extend_schema(
        request=inputs.PublishInput,
        responses=ParkCycleDetailSerializer,
        parameters=creating("cycle", (200,)),
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def publish(self, request, pk=None):
        """The joint office publishes the results: each park's outcome and rank
        in the batch; frozen from then on (409 afterwards)."""
        cycle = self.get_object()
        data = validated(inputs.PublishInput, request)
        services.cycle_publish(
            user=request.user,
            cycle=cycle,
            announced_on=data.get("announced_on"),
            expected_version=expected_version(request, cycle),
        )
        cycle = selectors.cycle_get_for_user(user=request.user, pk=cycle.pk)
        self.etag_object = cycle
        return Response(ParkCycleDetailSerializer(cycle).data)


def _step(name, service, input_class, doc, **rename):
    """The POST action `name`: validate `input_class`, call `service` on the
    assessment with the version from If-Match, answer with the detail."""

    def view(self, request, pk=None):
        assessment = self.get_object()
        data = validated(input_class, request)
        for old, new in rename.items():
            if old in data:
                data[new] = data.pop(old)
        service(
            user=request.user,
            assessment=assessment,
            expected_version=expected_version(request, assessment),
            **data,
        )
        return self._respond(assessment.pk)

    view.__name__ = view.__qualname__ = name
    view.__doc__ = doc
    return extend_schema(
        request={
            "application/json": input_class,
            "multipart/form-data": input_class,
        },
        responses=ParkAssessmentDetailSerializer,
        parameters=creating("assessment", (200,)),
    )(action(detail=True, methods=["post"], url_path=name)(idempotent(view)))


def _submit(user, assessment, values, evidence=(), expected_version=None):
    return services.assessment_submit(
        user=user,
        assessment=assessment,
        values={
            v["code"]: (v["value"], v["is_lower_bound"], v["note"]) for v in values
        },
        evidence=list(evidence),
        expected_version=expected_version,
    )


def _submit_service(**kwargs):
    return _submit(
        kwargs.pop("user"),
        kwargs.pop("assessment"),
        kwargs.pop("values"),
        kwargs.pop("evidence", ()),
        kwargs.pop("expected_version"),
    )


class AssessmentViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    """Each park's assessment in a cycle, with the `actions` the caller may
    take on it now."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.AssessmentFilter

    def get_queryset(self):
        return selectors.assessment_list_for_user(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return ParkAssessmentSerializer
        return ParkAssessmentDetailSerializer

    def get_object(self):
        assessment = selectors.assessment_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )
        self._etag_read_object = assessment
        return assessment

    def _respond(self, pk):
        assessment = selectors.assessment_get_for_user(user=self.request.user, pk=pk)
        self.etag_object = assessment
        return Response(
            ParkAssessmentDetailSerializer(
                assessment, context=self.get_serializer_context()
            ).data
        )

    submit = _step(
        "submit",
        _submit_service,
        inputs.SubmitInput,
        "The park's party submits its values with evidence (multipart/form-data "
        "for files); a queried assessment is submitted again.",
    )
    query = _step(
        "query",
        services.assessment_query,
        inputs.QueryInput,
        "A paired party queries one figure with a comment: back to the park's party.",
        indicator="indicator_code",
    )
    agree = _step(
        "agree",
        services.assessment_agree,
        inputs.AgreeInput,
        "A paired party agrees with the values.",
    )
    score = _step(
        "score",
        services.assessment_score,
        inputs.EmptyInput,
        "The joint office scores by the cycle's rules.",
    )
    adjust = _step(
        "adjust",
        services.assessment_adjust,
        inputs.AdjustInput,
        "The joint office adjusts the score, with a reason.",
    )


class ParkViewSet(viewsets.ReadOnlyModelViewSet):
    """Industrial cooperation parks (产业合作园区)."""

    serializer_class = ParkSerializer
    lookup_value_regex = r"\d+"
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.ParkFilter

    def get_queryset(self):
        return selectors.park_list_for_user(user=self.request.user)


class PairViewSet(viewsets.ReadOnlyModelViewSet):
    """Paired parks (结对园区), each with its parks."""

    serializer_class = ParkPairSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.PairFilter

    def get_queryset(self):
        return selectors.pair_list_for_user(user=self.request.user)
