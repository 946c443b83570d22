"""Error pages: problem+json under /api/, Django's pages elsewhere. DRF's own
handler covers errors raised inside API views; these cover what never reaches
a view (an unknown URL, a crash in middleware)."""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from .api.problems import PROBLEM_MEDIA_TYPE, problem_body
from .exceptions import NotFound


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _problem(request, status: int, code: str, detail) -> JsonResponse:
    return JsonResponse(
        problem_body(status=status, code=code, detail=detail, request=request),
        status=status,
        content_type=PROBLEM_MEDIA_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def page_not_found(request, exception):
    if _is_api(request):
        return _problem(request, 404, "not_found", NotFound.default_message)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _problem(
            request,
            500,
            "server_error",
            _("Something went wrong on our side; it has been logged. Try again later."),
        )
    return defaults.server_error(request)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("favicon.svg"))
