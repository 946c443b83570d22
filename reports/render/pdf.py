"""The report as a PDF, for reading on paper: WeasyPrint from
templates/reports/pdf.html with the summary tables only (no full task list;
the 30 most overdue tasks; 20 updates).

The text is set in Noto Sans CJK SC (Debian's fonts-noto-cjk, found through
fontconfig); WeasyPrint embeds the subset of glyphs used. Nothing is fetched:
the stylesheet and the charts are inline, and the URL fetcher refuses every
scheme but data: and file:.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .context import build_context
from .html import stylesheet

_PAGE, _PAGES = "\x00page\x00", "\x00pages\x00"


def css_string(text: str) -> str:
    """Text as a quoted CSS string, safe inside a `<style>` element."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\a ")
        .replace("<", "\\3c ")
    )
    return f'"{escaped}"'


def page_counter_content() -> SafeString:
    """第 N 页，共 M 页 / Page N of M, as a CSS `content` value."""
    text = _("Page %(page)s of %(pages)s") % {"page": _PAGE, "pages": _PAGES}
    parts = []
    for piece in re.split(f"({_PAGE}|{_PAGES})", text):
        if piece == _PAGE:
            parts.append("counter(page)")
        elif piece == _PAGES:
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return mark_safe(" ".join(parts))  # noqa: S308


def render_pdf_html(snapshot: dict) -> str:
    context = build_context(snapshot, medium="pdf")
    context["stylesheet"] = stylesheet(screen=False)
    context["header_content"] = mark_safe(css_string(context["title"]))  # noqa: S308
    context["footer_content"] = page_counter_content()
    return render_to_string("reports/pdf.html", context)


def render_pdf(snapshot: dict) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    document = HTML(
        string=render_pdf_html(snapshot),
        base_url=(settings.BASE_DIR / "static").as_uri() + "/",
        url_fetcher=URLFetcher(allowed_protocols={"data", "file"}, timeout=1),
    )
    return document.write_pdf()
