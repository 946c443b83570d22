"""Serving a report's files, to the web pages and the API alike.

The files made with the report are the report of record, in the default
language. Files in another language are made by the worker from the same
frozen snapshot (reports.renditions), so they say the same things; until they
exist a download answers with the rendition to wait for, never by rendering
in the request."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse
from django.utils import translation

from config.exceptions import Conflict, NotFound

from .choices import ReportFormat, ReportStatus
from .render import CONTENT_TYPES, report_title
from .renditions import report_rendition_request


class FileNotReady(Exception):
    """The file in this language is being made; `rendition` says how far."""

    def __init__(self, rendition):
        super().__init__(f"report {rendition.report_id} in {rendition.language}")
        self.rendition = rendition


def download_language(requested: str | None) -> str:
    """A language of the site: the one asked for, else the active one."""
    codes = {code for code, _name in settings.LANGUAGES}
    if requested not in codes:
        requested = translation.get_language() or settings.LANGUAGE_CODE
    return translation.get_supported_language_variant(requested)


def download_name(report, fmt: str, language: str) -> str:
    with translation.override(language):
        title = report_title(report.snapshot)
    return f"{title.strip('《》')}.{fmt}"


def report_file_response(report, fmt: str, *, language: str | None = None):
    """The report's stored file in `fmt` and `language`; 404 for an unknown
    format, 409 while the report is not ready. Raises FileNotReady (after
    asking the worker for it, once) when the language's files are not made
    yet."""
    if fmt not in ReportFormat.values:
        raise NotFound()
    if report.status != ReportStatus.DONE:
        raise Conflict(translation.gettext("The report is not ready yet."))
    language = download_language(language)
    stored = report.files.filter(format=fmt, language=language).first()
    if stored is None:
        if language == translation.get_supported_language_variant(
            settings.LANGUAGE_CODE
        ):
            raise NotFound()
        raise FileNotReady(report_rendition_request(report=report, language=language))
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=download_name(report, fmt, language),
        content_type=CONTENT_TYPES[fmt],
    )
    response["X-Report-SHA256"] = stored.sha256
    response["X-Content-Type-Options"] = "nosniff"
    # An archived HTML report is a document, not a page of this site.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    )
    return response
