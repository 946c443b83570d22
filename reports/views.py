"""The report pages: the library, one report, its files. Plumbing only: the
selectors decide what a user sees, `report_request` what may be generated,
`report_file_response` what a download is."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import can, grants
from config.exceptions import Conflict, InvalidInput
from config.exceptions import PermissionDenied as DomainPermissionDenied
from tracker.selectors import initiative_list_for_user

from .choices import ReportFormat, ReportStatus
from .downloads import FileNotReady, report_file_response
from .forms import ReportFilterForm, ReportRequestForm
from .selectors import report_get_for_user, report_list_for_user
from .services import report_request

PAGE_SIZE = 20
DOWNLOAD_FORMATS = (ReportFormat.PDF, ReportFormat.XLSX, ReportFormat.HTML)


def _initiatives(user) -> tuple[list, list]:
    """The initiatives the user sees, and those they may generate reports of."""
    visible = list(initiative_list_for_user(user=user))
    return visible, [i for i in visible if can(user, "generate_report", i)]


def _sees_error(user, report) -> bool:
    """A failure's technical detail is for administrators and the requester."""
    return grants(user).administrator or (
        report.requested_by_id is not None and report.requested_by_id == user.pk
    )


def _downloads(report) -> list[dict]:
    language = translation.get_language()
    return [
        {
            "label": ReportFormat(fmt).label,
            "format": fmt,
            "url": reverse("reports:download", args=[report.pk, fmt])
            + f"?lang={language}",
        }
        for fmt in DOWNLOAD_FORMATS
    ]


def _library_page(request, *, request_form=None):
    user = request.user
    visible, generatable = _initiatives(user)
    several = len(visible) > 1
    filter_form = ReportFilterForm(
        request.GET or None, initiatives=[i.pk for i in visible]
    )
    if filter_form.is_bound:
        filter_form.is_valid()
    page = Paginator(
        report_list_for_user(user=user, **filter_form.selector_filters()), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for report in page:
        report.show_error = _sees_error(user, report)
        report.downloads = (
            _downloads(report) if report.status == ReportStatus.DONE else []
        )
    if request_form is None and generatable:
        request_form = ReportRequestForm(initiatives=generatable)
    return render(
        request,
        "reports/library.html",
        {
            "filter_form": filter_form,
            "filtered": filter_form.is_bound
            and any(filter_form.selector_filters().values()),
            "page_obj": page,
            "request_form": request_form,
            "several_initiatives": several,
        },
    )


@login_required
@require_GET
def library(request):
    return _library_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def generate(request):
    if request.method == "GET":
        # Where switching the language after a refused form lands.
        return redirect("reports:library")
    _visible, generatable = _initiatives(request.user)
    if not generatable:
        raise PermissionDenied
    form = ReportRequestForm(request.POST, initiatives=generatable)
    if form.is_valid():
        try:
            report, created = report_request(
                **form.service_arguments(), requested_by=request.user
            )
        except DomainPermissionDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except InvalidInput as exc:
            form.add_service_errors(exc)
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "The report has been queued for generation. This page "
                        "shows its progress."
                    ),
                )
            else:
                messages.info(
                    request,
                    _("This report already exists; here it is."),
                )
            return redirect("reports:detail", report.pk)
    return _library_page(request, request_form=form)


def _get(request, pk):
    return report_get_for_user(user=request.user, report_id=pk)


def _detail_page(request, report, *, notice=None, status=200):
    user = request.user
    context = {
        "report": report,
        "notice": notice,
        "show_error": _sees_error(user, report),
    }
    if report.status == ReportStatus.DONE:
        from .render import render_body, report_title

        language = translation.get_language()
        context.update(
            title=report_title(report.snapshot),
            # The renderer escapes every value it puts in the fragment.
            body=mark_safe(render_body(report.snapshot, language=language)),  # noqa: S308
            downloads=_downloads(report),
        )
    else:
        context.update(
            title=str(report),
            status_url=reverse("reports_api:report-detail", args=[report.pk]),
            # The same request again re-queues a failed report.
            can_retry=report.status == ReportStatus.FAILED
            and can(user, "generate_report", report.initiative),
        )
    return render(request, "reports/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, pk):
    return _detail_page(request, _get(request, pk))


@login_required
@require_GET
def download(request, pk, fmt):
    report = _get(request, pk)
    try:
        return report_file_response(report, fmt, language=request.GET.get("lang"))
    except Conflict as exc:
        return _detail_page(request, report, notice=exc.message, status=409)
    except FileNotReady as pending:
        return _preparing_page(request, report, fmt, pending.rendition)


def _preparing_page(request, report, fmt, rendition):
    """Progress of a file in another language; the same address serves the
    file once it is made, so reloading it (or the script's reload) downloads."""
    from .render import report_title

    language = translation.get_language_info(rendition.language)["name_translated"]
    heading = _("%(format)s in %(language)s: being prepared") % {
        "format": ReportFormat(fmt).label,
        "language": language,
    }
    return render(
        request,
        "reports/preparing.html",
        {
            "report": report,
            "rendition": rendition,
            "title": report_title(report.snapshot),
            "heading": heading,
            "status_url": reverse(
                "reports_api:report-rendition", args=[report.pk, rendition.language]
            ),
            "download_url": reverse("reports:download", args=[report.pk, fmt])
            + f"?lang={rendition.language}",
        },
        status=202,
    )
