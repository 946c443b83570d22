"""Error pages: problem+json under /api/, the site's own pages elsewhere. DRF's
handler covers errors raised inside API views; these cover what never reaches
a view (an unknown URL, a body too big for a middleware to read, a crash in a
middleware), and config.middleware.ErrorContractMiddleware makes them answer
the same with DEBUG on."""

import sys

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from .api.problems import PROBLEM_MEDIA_TYPE, problem_body, request_limit_problem
from .exceptions import NotFound, PermissionDenied

SERVER_ERROR_DETAIL = _(
    "Something went wrong on our side; it has been logged. Try again later."
)
BAD_REQUEST_DETAIL = _("The request could not be understood.")
DATABASE_UNAVAILABLE_DETAIL = _(
    "The database is not answering at the moment; nothing was changed. Try again"
    " in a few seconds."
)
# Seconds a client is asked to wait before trying again (a restart's length).
RETRY_AFTER_SECONDS = 5


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def problem(request, status: int, code: str, detail) -> JsonResponse:
    return JsonResponse(
        problem_body(status=status, code=code, detail=detail, request=request),
        status=status,
        content_type=PROBLEM_MEDIA_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def bad_request(request, exception):
    code, detail = request_limit_problem(exception) or (
        "bad_request",
        BAD_REQUEST_DETAIL,
    )
    if is_api(request):
        return problem(request, 400, code, detail)
    # Django's own 400 renders without the request, so the page would lose the
    # site's frame and the reason; a form over a limit names which one.
    return render(request, "400.html", {"detail": detail}, status=400)


def permission_denied(request, exception):
    if is_api(request):
        return problem(
            request, 403, "permission_denied", PermissionDenied.default_message
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return problem(request, 404, "not_found", NotFound.default_message)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _database_unavailable():
        # The server is restarting or out of reach: a temporary state the
        # client can wait out, not a fault of the request or of the code.
        if is_api(request):
            response = problem(
                request, 503, "database_unavailable", DATABASE_UNAVAILABLE_DETAIL
            )
        else:
            response = defaults.server_error(request)
            response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if is_api(request):
        return problem(request, 500, "server_error", SERVER_ERROR_DETAIL)
    return defaults.server_error(request)


def _database_unavailable() -> bool:
    """Whether the error being handled (Django calls this handler inside its
    `except`) is the database connection failing, not a statement."""
    from django.db import InterfaceError, OperationalError, connection

    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    return connection.connection is None or not connection.is_usable()


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("favicon.svg"))
