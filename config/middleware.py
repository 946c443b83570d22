"""The service's own middleware: the request id, the Content-Security-Policy
and Permissions-Policy every response carries, and the one error contract
(problem+json on the API, the site's own pages elsewhere) whatever answered
and in every mode.

Request id: one id per request, in the logs, the problem bodies, the audit
context (audit.middleware reads `request.request_id`) and the response, so a
user's error report can be matched to what the server saw.

Why these stay ours, where a library was weighed (issue 12):
- Referrer-Policy and Cross-Origin-Opener-Policy are Django's own
  SecurityMiddleware's (SECURE_REFERRER_POLICY and
  SECURE_CROSS_ORIGIN_OPENER_POLICY in settings), no longer set here.
- The Content-Security-Policy is not django-csp's. Its latest release (4.0)
  builds the header from a set of directive names, so their order follows
  each process's string hashing: every gunicorn worker would send the same
  policy as different bytes, and no test could pin the header (ours is pinned
  byte for byte in tests/config/test_security_headers.py). It would also drop
  the header from 404 and 500 pages under DEBUG, and the admin's policy would
  still need code of ours (a subclass of its middleware). Django 6's built-in
  policy keeps declaration order: move to it when the project leaves 5.2 LTS.
- The request id is not django-guid's (or django-log-request-id's). django-guid
  either accepts only UUIDs, replacing the ids our proxy sends
  ("edge-1.a_B"), or, with validation off, echoes any header of any length
  into logs, the audit trail and the response; it keeps the id in a context
  variable and `request.correlation_id`, so the audit context would need an
  adapter, and it logs a line per request. django-log-request-id checks
  nothing it is sent. Ours is twenty lines: a bounded, safe id or a new one.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_cache_control

REQUEST_ID_HEADER = "X-Request-ID"
# An id set by our proxy or a client is kept so that one request can be traced
# across services; anything longer or odder is replaced, never echoed, since it
# ends up in logs and headers.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = (
            incoming if _VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        )
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


# Pages of this site run only scripts and styles served from it: no inline
# script, no inline event handler, no eval. The API docs too: Swagger UI comes
# from the project's static files and its start-up script is a script of its
# own (config.api.docs).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Django's admin sets a few style attributes in its own templates.
ADMIN_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response that
    does not set its own (downloads set a stricter one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = (
            ADMIN_CONTENT_SECURITY_POLICY
            if request.path.startswith("/admin/")
            else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


# Codes for statuses that reach the error contract without an exception to name
# them (a view's plain HttpResponse, Django's own pages with DEBUG on).
_CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}
_JSON_TYPES = ("application/json", "application/problem+json")


class ErrorContractMiddleware:
    """The API answers problem+json in every mode, and the pages show the
    site's own 404, also with DEBUG on (`make run`).

    With DEBUG off, Django answers what no view handled with the handlers in
    config.views. With DEBUG on it shows its technical pages instead, for an
    unknown URL (which never reaches a view, so only the response can be
    corrected) and for an exception (caught here first). And whatever
    answered, an API error that is not JSON is turned into a problem: an
    API client must never have to parse an HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        from . import views

        if views.is_api(request):
            if response.status_code >= 400 and not response.get(
                "Content-Type", ""
            ).startswith(_JSON_TYPES):
                return self._problem(request, response.status_code)
        elif (
            settings.DEBUG
            and response.status_code == 404
            and request.resolver_match is None
        ):
            with _language_of(request):
                return views.page_not_found(request, None)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not settings.DEBUG:
            return None  # Django's handlers answer, and log, as configured
        from . import views

        if not views.is_api(request):
            if isinstance(exception, Http404):
                return views.page_not_found(request, exception)
            return None  # a developer's page keeps its traceback
        if isinstance(exception, Http404):
            return views.page_not_found(request, exception)
        if isinstance(exception, DjangoPermissionDenied):
            return views.permission_denied(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            logging.getLogger(f"django.security.{type(exception).__name__}").error(
                str(exception), extra={"status_code": 400, "request": request}
            )
            return views.bad_request(request, exception)
        # Logged and signalled as Django does for the 500s it answers itself.
        got_request_exception.send(sender=None, request=request)
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return views.server_error(request)

    def _problem(self, request: HttpRequest, status: int) -> HttpResponseBase:
        from . import exceptions, views
        from .api.problems import TITLES

        code = _CODES_BY_STATUS.get(status)
        if code is None:
            code = HTTPStatus(status).phrase.lower().replace(" ", "_")
        details = {
            400: views.BAD_REQUEST_DETAIL,
            403: exceptions.PermissionDenied.default_message,
            404: exceptions.NotFound.default_message,
        }
        detail = details.get(status) or (
            views.SERVER_ERROR_DETAIL if status >= 500 else TITLES.get(code)
        )
        with _language_of(request):
            return views.problem(
                request, status, code, detail or HTTPStatus(status).phrase
            )


def _language_of(request: HttpRequest):
    return translation.override(
        getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    )


class PrivateCacheMiddleware:
    """Whatever answers a signed-in user (by session or API token) holds data
    of the task force's members: no shared cache may keep it, and the browser
    must not keep it on disk either (a shared office computer)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # DRF puts a token's user on the request as well.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
