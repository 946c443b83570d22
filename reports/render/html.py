"""The report as HTML: a standalone document (archive, e-mail) and the body
fragment that the site's report page embeds."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .context import build_context

STYLESHEET = "reports/report.css"
# Rules after this line are for screens only; the PDF leaves them out.
SCREEN_ONLY = "/* == Screen only =="


@cache
def _stylesheet_text() -> str:
    path = finders.find(STYLESHEET) or Path(settings.BASE_DIR) / "static" / STYLESHEET
    return Path(path).read_text(encoding="utf-8")


def stylesheet(*, screen: bool = True) -> SafeString:
    """The report's rules, for a `<style>` element (our own file, never user
    text); without the screen-only part for print."""
    text = _stylesheet_text()
    if settings.DEBUG:  # pick up edits while developing
        _stylesheet_text.cache_clear()
    if not screen:
        text = text.split(SCREEN_ONLY, 1)[0]
    return mark_safe(text.replace("</", "<\\/"))  # noqa: S308


def render_body(snapshot: dict, *, medium: str = "html") -> str:
    return render_to_string(
        "reports/_body.html", build_context(snapshot, medium=medium)
    )


def render_document(snapshot: dict) -> str:
    context = build_context(snapshot, medium="html")
    context["stylesheet"] = stylesheet()
    return render_to_string("reports/document.html", context)
