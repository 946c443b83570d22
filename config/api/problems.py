"""The one DRF exception handler: every API error is an RFC 9457 problem.

Body: ``{"type", "title", "status", "detail", "code", "instance"}``, plus
``"errors": {field: [messages]}`` when there are field errors and
``"request_id"`` when the request has one. ``code`` is the stable, machine-read
part; ``title`` and ``detail`` are in the request's language.

Anything not mapped here is left to Django (a 500), so a programming error is
never dressed up as a client error.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from config.exceptions import DomainError, InvalidInput

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
# One scheme for every problem: a stable URI per code. `.invalid` can never
# resolve, which is honest until the problem pages are published; clients must
# key on `code` (or on this URI as an opaque identifier), never fetch it.
PROBLEM_TYPE_BASE = "https://tracker.invalid/problems/"

INVALID_DETAIL = InvalidInput.default_message

TITLES: dict[str, Promise] = {
    "invalid": _("Invalid input"),
    "parse_error": _("Malformed request"),
    "not_authenticated": _("Not signed in"),
    "permission_denied": _("Not allowed"),
    "not_found": _("Not found"),
    "method_not_allowed": _("Method not allowed"),
    "not_acceptable": _("Not acceptable"),
    "unsupported_media_type": _("Unsupported media type"),
    "throttled": _("Too many requests"),
    "conflict": _("Conflict"),
    "transition_not_allowed": _("Action not allowed now"),
    "precondition_failed": _("Stale version"),
    "precondition_required": _("Version required"),
    "invalid_idempotency_key": _("Invalid Idempotency-Key"),
    "idempotency_key_reused": _("Idempotency-Key reused"),
    "request_too_large": _("Request too large"),
    "too_many_fields": _("Too many fields"),
    "too_many_files": _("Too many files"),
    "bad_request": _("Bad request"),
    "server_error": _("Server error"),
    "database_unavailable": _("Service temporarily unavailable"),
}

# DRF exception class → stable code. Checked in order, so subclasses first.
DRF_CODES: tuple[tuple[type[drf.APIException], str], ...] = (
    (drf.ValidationError, "invalid"),
    (drf.ParseError, "parse_error"),
    (drf.NotAuthenticated, "not_authenticated"),
    (drf.AuthenticationFailed, "not_authenticated"),
    (drf.PermissionDenied, "permission_denied"),
    (drf.NotFound, "not_found"),
    (drf.MethodNotAllowed, "method_not_allowed"),
    (drf.NotAcceptable, "not_acceptable"),
    (drf.UnsupportedMediaType, "unsupported_media_type"),
    (drf.Throttled, "throttled"),
)


class ProblemJSONRenderer(JSONRenderer):
    media_type = PROBLEM_MEDIA_TYPE
    format = "problem+json"


class ProblemResponse(Response):
    """A Response that always renders as problem+json.

    DRF's ``finalize_response`` assigns the negotiated renderer after the
    handler returns, so setting it here would be overwritten; pinning it at
    render time means a client that asked for, say, text/html (or that got a
    406 for asking) still receives a machine-readable problem, and the browsable
    API never wraps an error in HTML labelled as JSON."""

    @property
    def rendered_content(self) -> bytes:
        self.accepted_renderer = ProblemJSONRenderer()
        self.accepted_media_type = PROBLEM_MEDIA_TYPE
        return super().rendered_content


def problem_body(
    *,
    status: int,
    code: str,
    detail: Any,
    request: Any = None,
    errors: Mapping[str, list[str]] | None = None,
    title: Any = None,
) -> dict[str, Any]:
    """The RFC 9457 body, for DRF responses and plain Django views alike."""
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_BASE}{code}",
        "title": str(title or TITLES.get(code) or _status_phrase(status)),
        "status": status,
        "detail": str(detail),
        "code": code,
    }
    if request is not None:
        body["instance"] = request.path
    if errors:
        body["errors"] = {field: list(messages) for field, messages in errors.items()}
    request_id = getattr(request, "request_id", None) if request is not None else None
    if request_id:
        body["request_id"] = request_id
    return body


def problem_response(
    *,
    status: int,
    code: str,
    detail: Any,
    request: Any = None,
    errors: Mapping[str, list[str]] | None = None,
    title: Any = None,
    headers: Mapping[str, str] | None = None,
) -> ProblemResponse:
    """Build one problem response; also usable by views that answer an error
    without raising."""
    body = problem_body(
        status=status,
        code=code,
        detail=detail,
        request=request,
        errors=errors,
        title=title,
    )
    return ProblemResponse(body, status=status, headers=dict(headers or {}))


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    request = context.get("request")
    response = _problem_for(exc, request)
    if response is not None:
        # Same as DRF's own handler: with ATOMIC_REQUESTS the request's
        # transaction must not commit half of a refused write.
        set_rollback()
        if response.status_code == 403:
            _record_refused_write(request, response)
    return response


def _record_refused_write(request: Any, response: Response) -> None:
    """A write the caller may not make is a security event (audit/security.py;
    safe methods are ignored there)."""
    from audit.security import record_write_refused

    data = response.data if isinstance(response.data, Mapping) else {}
    record_write_refused(
        request, detail=f"api: {data.get('code', '')}: {data.get('detail', '')}"
    )


def request_limit_problem(exc: Exception) -> tuple[str, str] | None:
    """(code, detail) for a request over one of Django's upload limits, which
    Django raises (as SuspiciousOperation) wherever the body or the query is
    first read: in a view, in DRF's parsers, or in a middleware."""
    if isinstance(exc, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return "request_too_large", str(
            _(
                "The request body is larger than this service accepts "
                "(%(limit)s at most)."
            )
            % {"limit": limit}
        )
    if isinstance(exc, TooManyFieldsSent):
        return "too_many_fields", str(
            _(
                "The request has more fields than this service accepts "
                "(%(limit)d at most)."
            )
            % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
        )
    if isinstance(exc, TooManyFilesSent):
        return "too_many_files", str(
            _(
                "The request has more files than this service accepts "
                "(%(limit)d at most)."
            )
            % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
        )
    return None


def _problem_for(exc: Exception, request: Any) -> Response | None:
    limit = request_limit_problem(exc)
    if limit is not None:
        # Logged as Django logs them when it answers them itself.
        logging.getLogger(f"django.security.{type(exc).__name__}").warning(
            "%s (path=%s)", exc, getattr(request, "path", "?")
        )
        code, detail = limit
        return problem_response(status=400, code=code, detail=detail, request=request)
    if isinstance(exc, DomainError):
        return problem_response(
            status=exc.status,
            code=exc.code,
            detail=exc.message,
            title=getattr(exc, "title", None),
            errors=_normalise_field_errors(exc.field_errors),
            request=request,
        )
    if isinstance(exc, DjangoValidationError):
        # A model's full_clean() inside a service: the same rules the database
        # enforces, reported per field instead of as a 500.
        return problem_response(
            status=400,
            code="invalid",
            detail=INVALID_DETAIL,
            errors=_django_validation_errors(exc),
            request=request,
        )
    if isinstance(exc, Http404):
        # Django's message names the model ("No Task matches…"); "not yours to
        # see" and "does not exist" must look the same, so say nothing more.
        return problem_response(
            status=404,
            code="not_found",
            detail=drf.NotFound.default_detail,
            request=request,
        )
    if isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied(*exc.args)
    if isinstance(exc, drf.APIException):
        return _api_exception_problem(exc, request)
    if isinstance(exc, IntegrityError):
        # A constraint the services did not check first (typically two racing
        # writers). The client gets a generic conflict; the details are for us.
        logger.warning(
            "IntegrityError answered as 409 (path=%s, request_id=%s)",
            getattr(request, "path", "?"),
            getattr(request, "request_id", "-"),
            exc_info=exc,
        )
        return problem_response(
            status=409,
            code="conflict",
            detail=_(
                "This conflicts with data that was saved meanwhile; reload and try again."
            ),
            request=request,
        )
    return None


def _api_exception_problem(exc: drf.APIException, request: Any) -> Response:
    code = next(
        (code for cls, code in DRF_CODES if isinstance(exc, cls)),
        exc.default_code,
    )
    headers: dict[str, str] = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    if isinstance(exc, drf.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))

    errors: dict[str, list[str]] | None = None
    if isinstance(exc, drf.ValidationError):
        detail: Any = INVALID_DETAIL
        errors = _drf_validation_errors(exc.detail)
    else:
        detail = exc.detail
    return problem_response(
        status=exc.status_code,
        code=code,
        detail=detail,
        errors=errors,
        headers=headers,
        request=request,
    )


def _drf_validation_errors(detail: Any) -> dict[str, list[str]]:
    """Flatten DRF's nested error structure into ``{"a.0.b": [messages]}`` so
    that every problem has the same flat ``errors`` shape."""
    errors: dict[str, list[str]] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list | tuple):
            if all(not isinstance(item, Mapping | list | tuple) for item in node):
                if node:
                    errors.setdefault(path or _non_field_key(), []).extend(
                        str(item) for item in node
                    )
                return
            for index, item in enumerate(node):
                walk(item, f"{path}.{index}" if path else str(index))
        else:
            errors.setdefault(path or _non_field_key(), []).append(str(node))

    walk(detail, "")
    return errors


def _django_validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return _normalise_field_errors(exc.message_dict)
    return {_non_field_key(): list(exc.messages)}


def _normalise_field_errors(field_errors: Mapping[str, Any]) -> dict[str, list[str]]:
    """Domain errors may give one message or a list per field; Django uses
    ``__all__`` for errors of the whole object. Clients get one shape."""
    normalised: dict[str, list[str]] = {}
    for field, messages in field_errors.items():
        key = _non_field_key() if field in (NON_FIELD_ERRORS, None) else str(field)
        if isinstance(messages, str | Promise):
            messages = [messages]
        normalised.setdefault(key, []).extend(str(m) for m in messages)
    return normalised


def _non_field_key() -> str:
    return api_settings.NON_FIELD_ERRORS_KEY


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
