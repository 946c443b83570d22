"""Tables as CSV and XLSX downloads, safe to open in a spreadsheet.

A cell that starts with ``= + - @``, a tab or a carriage return can be read as
a formula by Excel, LibreOffice or WPS (``=HYPERLINK(...)`` that leaks data
when clicked, or worse); such text gets a leading single quote, which shows it
as the text it is. Every export of user-entered text goes through
:func:`neutralise` (audit log CSV and XLSX, report XLSX). It first removes the
control characters a spreadsheet drops on reading (and XML cannot hold), then
looks at the first character a reader would see: checking before normalising
let ``\x01=HYPERLINK(...)`` through, since the spreadsheet drops the ``\x01``
and runs the rest.

CSV is UTF-8 with a byte-order mark: without it Excel reads Chinese as GBK and
shows mojibake.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership

from . import history
from .attribution import attribute

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Full-width forms too: some spreadsheet imports fold them to ASCII.
_FORMULA_STARTS = frozenset("=+-@＝＋－＠")
# C0 controls other than tab, line feed and carriage return (what openpyxl's
# ILLEGAL_CHARACTERS_RE refuses), and DEL.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"


def normalise_text(text: str) -> str:
    """Text as a spreadsheet will read it: without control characters."""
    return _CONTROL_CHARACTERS.sub("", text)


def _looks_like_formula(text: str) -> bool:
    if text.startswith(FORMULA_PREFIXES):
        return True
    # Blanks and invisible format characters (zero-width space, BOM) in front
    # of the sign: some readers trim them before deciding what a cell is.
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cf", "Zs"):
            continue
        return char in _FORMULA_STARTS
    return False


def neutralise(value: Any) -> Any:
    """The value; text normalised, and quoted when a spreadsheet would run it
    as a formula."""
    if not isinstance(value, str):
        return value
    text = normalise_text(value)
    return "'" + text if _looks_like_formula(text) else text


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralise(str(value))


def xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        if isinstance(value, dt.datetime):
            # Excel has no time zones: the local (Asia/Shanghai) wall time.
            return _local(value).replace(tzinfo=None)
        return value
    return neutralise(str(value))


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

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
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
                history.load_details(batch)
                yield from batch
                batch = []
        history.load_details(batch)
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
