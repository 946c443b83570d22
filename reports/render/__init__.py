"""Report renderers: a frozen snapshot (see reports.snapshot) in, a file out.

    render("pdf", snapshot, language="en") -> bytes

HTML is the archived standalone document, PDF the summary for paper, XLSX the
data with native charts. The renderers read only the snapshot, never the
database, so a report renders the same in any language, at any later time.
"""

from __future__ import annotations

from django.utils import translation

from . import context

FORMATS = ("html", "pdf", "xlsx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DEFAULT_LANGUAGE = "zh-hans"


def render(fmt: str, snapshot: dict, *, language: str = DEFAULT_LANGUAGE) -> bytes:
    """The report in `fmt` ("html", "pdf" or "xlsx"), in `language`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}")
    with translation.override(language):
        if fmt == "html":
            from .html import render_document

            return render_document(snapshot).encode("utf-8")
        if fmt == "pdf":
            from .pdf import render_pdf

            return render_pdf(snapshot)
        from .xlsx import render_xlsx

        return render_xlsx(snapshot)


def render_body(snapshot: dict, *, language: str = DEFAULT_LANGUAGE) -> str:
    """The report as an HTML fragment for the site's report page (which links
    static/reports/report.css)."""
    from .html import render_body as body

    with translation.override(language):
        return body(snapshot)


def report_title(snapshot: dict, *, language: str | None = None) -> str:
    """The report's title, in `language` or else the active language."""
    if language is None:
        return context.report_title(snapshot)
    with translation.override(language):
        return context.report_title(snapshot)


__all__ = ["CONTENT_TYPES", "FORMATS", "render", "render_body", "report_title"]
