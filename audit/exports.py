"""Tables as CSV and XLSX downloads, safe to open in a spreadsheet.

Every cell goes through the one spreadsheet helper (config.spreadsheet):
text is normalised and what a spreadsheet would run as a formula is quoted;
CSV is UTF-8 with a byte-order mark. The names it defines are re-exported here
for the callers of this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from config.spreadsheet import (  # noqa: F401 (re-exported)
    BOM,
    CSV_CONTENT_TYPE,
    DATETIME_WIDTH,
    FORMULA_PREFIXES,
    XLSX_CONTENT_TYPE,
    csv_cell,
    neutralise,
    normalise_text,
    print_ready,
    xlsx_cell,
)

from . import history, log_details
from .attribution import attribute


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A streamed CSV download (rows are read as they are sent)."""
    writer = csv.writer(_Echo())

    def lines():
        yield BOM + writer.writerow([csv_cell(str(h)) for h in headers])
        for row in rows:
            yield writer.writerow([csv_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def xlsx_bytes(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = "Sheet1"
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    print_ready(sheet, title=title)
    # A write-only sheet takes its widths before its rows: the first column is
    # the time, wide enough not to print as "###".
    sheet.column_dimensions[get_column_letter(1)].width = DATETIME_WIDTH
    for column in range(2, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=xlsx_cell(str(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    date_format = "yyyy-mm-dd hh:mm:ss"
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=xlsx_cell(value))
            if isinstance(value, dt.datetime):
                cell.number_format = date_format
            elif isinstance(cell.value, str):
                # Stored as text whatever it looks like: never a formula.
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Sheet1",
) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(headers, rows, title=title), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


# --- the audit log -------------------------------------------------------------

EXPORT_BATCH = 1000


def audit_log_table(queryset):
    """Header and rows of an export of the audit log (a filtered AuditLog
    queryset with its snapshots deferred): one query for the parties of all
    actors, then per batch of events one for the events and their actors and
    one for their snapshots, diffs and sessions.

    A direct database change names no actor: the actor column says so, and the
    session columns say who it was to the database. Beside the actor, whether
    the application signed the context that names them."""
    headers = [
        _("time"),
        _("username"),
        _("actor"),
        _("context check"),
        _("party"),
        _("source"),
        _("action"),
        _("record type"),
        _("object id"),
        _("code"),
        _("object"),
        _("changes"),
        _("reason"),
        _("request id"),
        _("method"),
        _("path"),
        _("why the sealer refused it"),
        _("database user"),
        _("database role"),
        _("application name"),
        _("client address"),
        _("client port"),
        _("backend process id"),
        _("transaction id"),
        _("session started"),
        _("event"),
    ]
    parties: dict[int, list[str]] = {}
    for user_id, party in Membership.objects.filter(is_active=True).values_list(
        "user_id", "party__name"
    ):
        if party not in parties.setdefault(user_id, []):
            parties[user_id].append(party)

    def events():
        batch = []
        for event in queryset.iterator(chunk_size=EXPORT_BATCH):
            batch.append(event)
            if len(batch) == EXPORT_BATCH:
                log_details.load_details(batch)
                yield from batch
                batch = []
        log_details.load_details(batch)
        yield from batch

    def rows():
        for event in events():
            model = history.model_from_label(event.pgh_obj_model)
            context = event.pgh_context or {}
            written = attribute(event.pgh_context, getattr(event, "pgh_session", None))
            session = written.session
            by_service = written.through_service
            user = event.user if by_service else None
            refusal = getattr(event, "refusal", None)
            yield [
                event.pgh_created_at,
                user.username if user else "",
                str(user) if user else ("" if by_service else written.label),
                written.check_label,
                "、".join(parties.get(event.user_id, [])) if by_service else "",
                str(history.SOURCE_LABELS.get(event.source, event.source or "")),
                str(history.ACTION_LABELS.get(event.pgh_label, event.pgh_label)),
                history.model_label(model) if model else event.pgh_obj_model,
                event.pgh_obj_id,
                event.pgh_data.get("code", "") if event.pgh_data else "",
                history.object_label(
                    model, event.pgh_data, event.pgh_obj_id, with_code=False
                ),
                history.diff_text(event.pgh_model, event.pgh_diff),
                event.reason or "",
                event.request_id or "",
                context.get("method", ""),
                context.get("path", ""),
                refusal.get_reason_display() if refusal else "",
                session.session_user if session else "",
                session.current_user if session else "",
                session.application_name if session else "",
                session.client_addr if session else "",
                session.client_port if session else None,
                session.pid if session else None,
                session.xid if session else None,
                session.started_at if session else None,
                event.pgh_slug,
            ]

    return headers, rows()
