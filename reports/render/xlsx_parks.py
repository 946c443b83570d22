"""The workbook's sheet of park evaluation results: one row per park of each
pair."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .formatting import evaluation_label
from .xlsx_cells import Day, as_number


def parks_rows(snapshot: dict) -> tuple[list, list]:
    """One row per park of each pair, with its latest published result (a
    snapshot frozen before evaluation cycles names a round instead)."""
    rows = []
    for position, pair in enumerate(snapshot.get("parks") or [], start=1):
        sides = pair.get("sides") or [
            side for side in (pair.get("park_a"), pair.get("park_b")) if side
        ]
        for side in sides:
            rows.append(
                [
                    pair.get("name") or position,
                    pair.get("batch"),
                    side.get("name") or "",
                    side.get("party") or "",
                    side.get("city") or "",
                    evaluation_label(side.get("result")),
                    as_number(side.get("score")),
                    side.get("rank"),
                    side.get("cycle") or side.get("round") or "",
                    Day(side.get("announced_on")),
                ]
            )
    labels = [
        _("Pair"),
        _("Batch"),
        _("Park"),
        _("Party"),
        _("City or county"),
        _("Latest evaluation"),
        _("Score"),
        _("Rank in the batch"),
        _("Evaluation cycle"),
        _("Announced on"),
    ]
    return labels, rows
