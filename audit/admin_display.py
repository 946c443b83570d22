"""Columns of the audit log that must stay narrow to keep the list readable at
1366 px: a request id is a 32-character UUID, of which the first eight tell
one request from the next on a page; the whole id is in the cell's title (and
in the CSV/Excel export, and the search finds it)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

SHOWN = 8


@admin.display(description=_("request id"))
def request_id(obj) -> str:
    value = obj.request_id or ""
    if not value:
        return "-"
    if len(value) <= SHOWN + 1:
        return format_html('<code class="audit-request-id">{}</code>', value)
    return format_html(
        '<code class="audit-request-id" title="{}">{}…</code>', value, value[:SHOWN]
    )
