"""The workbook's sheet of circle-wide indicators (全域指标), for a snapshot
that has them (older snapshots get no such sheet)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .context import stated
from .xlsx_cells import Day, as_number


def circle_indicators_rows(snapshot: dict) -> tuple[list, list]:
    """The sheet's header and rows: the value as a number for sorting and as
    the source states it ("超过…", "…余")."""
    labels = [
        _("Indicator"),
        _("Unit"),
        _("Actual"),
        _("Actual as stated"),
        _("Lower bound"),
        _("Actual as of"),
        _("Note"),
        _("Source"),
    ]
    rows = []
    for item in snapshot.get("initiative_indicators") or []:
        qualifier = item.get("actual_qualifier")
        has_value = item.get("actual") is not None
        rows.append(
            [
                item.get("name") or "",
                item.get("unit") or "",
                as_number(item.get("actual")),
                stated(item.get("actual"), qualifier) if has_value else "",
                (_("yes") if qualifier not in (None, "exact") else _("no"))
                if has_value
                else "",
                Day(item.get("actual_period")),
                item.get("note") or "",
                item.get("source") or "",
            ]
        )
    return labels, rows
