"""Serving a report's files, to the web pages and the API alike.

The stored files are the report of record, in the default language. Another
language is rendered on request from the same frozen snapshot, so it says the
same things; it is a translation, not a second record."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils import translation

from config.exceptions import Conflict, NotFound

from .choices import ReportFormat, ReportStatus
from .render import CONTENT_TYPES, render, report_title


def _language(requested: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    if requested in codes:
        return requested
    return translation.get_language() or settings.LANGUAGE_CODE


def download_name(report, fmt: str, language: str) -> str:
    with translation.override(language):
        title = report_title(report.snapshot)
    return f"{title.strip('《》')}.{fmt}"


def report_file_response(report, fmt: str, *, language: str | None = None):
    """The report's file in `fmt`; 404 for an unknown format, 409 while the
    report is not ready."""
    if fmt not in ReportFormat.values:
        raise NotFound()
    if report.status != ReportStatus.DONE:
        raise Conflict(translation.gettext("The report is not ready yet."))
    language = _language(language)
    name = download_name(report, fmt, language)
    if translation.get_supported_language_variant(language) == (
        translation.get_supported_language_variant(settings.LANGUAGE_CODE)
    ):
        stored = report.files.filter(format=fmt).first()
        if stored is None:
            raise NotFound()
        response = FileResponse(
            stored.file.open("rb"),
            as_attachment=True,
            filename=name,
            content_type=CONTENT_TYPES[fmt],
        )
        response["X-Report-SHA256"] = stored.sha256
    else:
        response = HttpResponse(
            render(fmt, report.snapshot, language=language),
            content_type=CONTENT_TYPES[fmt],
        )
        response["Content-Disposition"] = _attachment(name)
    response["X-Content-Type-Options"] = "nosniff"
    # An archived HTML report is a document, not a page of this site.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    )
    return response


def _attachment(name: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(as_attachment=True, filename=name)
