"""What the templates and the workbook are given: the snapshot's sections, with
the rows each medium shows, the labels of codes and the charts.

Everything here is called inside `translation.override(language)`.
"""

from __future__ import annotations

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports.choices import ReportKind, ScopeKind
from tracker.choices import Light, TaskStatus
from tracker.figures import figure_text

from . import charts
from .formatting import (
    format_date,
    format_int,
    format_number,
    format_period,
    is_chinese,
    join_list,
    light_label,
    status_label,
)

# The PDF is the summary for reading on paper: the longest lists are cut.
PDF_OVERDUE_LIMIT = 30
PDF_UPDATES_LIMIT = 20
# The PDF is for reading on paper: long lists are cut there (with a note) and
# given whole in the HTML and the workbook.
PDF_LIST_LIMIT = 40


def html_language() -> str:
    """The BCP 47 tag for `<html lang>`: zh-Hans, en."""
    return "zh-Hans" if is_chinese() else "en"


def report_subject(snapshot: dict) -> str:
    report = snapshot["report"]
    initiative = snapshot["initiative"]["name"]
    if report.get("scope", ScopeKind.INITIATIVE) == ScopeKind.INITIATIVE:
        return initiative
    return _("%(initiative)s (%(scope)s)") % {
        "initiative": initiative,
        "scope": report.get("scope_name") or "",
    }


def report_period(snapshot: dict) -> str:
    report = snapshot["report"]
    return format_period(report["kind"], report["period_start"], report["period_end"])


def report_title(snapshot: dict) -> str:
    """成渝地区双城经济圈合作事项周报（2026年11月16日—11月22日）;
    Weekly progress report, 16–22 Nov 2026 — 成渝地区双城经济圈."""
    values = {"subject": report_subject(snapshot), "period": report_period(snapshot)}
    kind = snapshot["report"]["kind"]
    if kind == ReportKind.WEEKLY:
        return _("Weekly progress report, %(period)s — %(subject)s") % values
    if kind == ReportKind.MONTHLY:
        return _("Monthly progress report, %(period)s — %(subject)s") % values
    if kind == ReportKind.QUARTERLY:
        return _("Quarterly progress report, %(period)s — %(subject)s") % values
    return _("Progress report, %(period)s — %(subject)s") % values


def _count_rows(counts: dict, codes, label) -> list[dict]:
    return [
        {"code": code, "label": label(code), "count": counts.get(code, 0)}
        for code in codes
    ]


def _group_rows(groups: list[dict]) -> list[dict]:
    """Per work stream or party: the counts in the order of the columns."""
    return [
        {
            **group,
            "status_counts": [group["by_status"].get(c, 0) for c in TaskStatus.values],
            "light_counts": [group["by_light"].get(c, 0) for c in Light.values],
        }
        for group in groups
    ]


def _changes(snapshot: dict) -> dict | None:
    changes = snapshot.get("changes")
    previous = snapshot.get("previous")
    if not changes or not previous:
        return None
    kind = snapshot["report"]["kind"]
    return {
        **changes,
        "previous_period": format_period(
            kind, previous["period_start"], previous["period_end"]
        ),
        "previous_summary": previous.get("summary") or {},
        "light_rows": [
            {
                "code": code,
                "label": light_label(code),
                "now": snapshot["summary"]["by_light"].get(code, 0),
                "before": (previous.get("summary") or {}).get("by_light", {}).get(code),
                "change": changes.get("by_light", {}).get(code, 0),
            }
            for code in Light.values
        ],
    }


def _parks_sentence(summary: dict) -> str:
    if not summary or not summary.get("parks"):
        return ""
    sentence = _("%(met)s of %(parks)s parks met their creation targets.") % {
        "met": format_int(summary.get("met", 0)),
        "parks": format_int(summary["parks"]),
    }
    # Snapshots frozen before evaluation cycles name rounds (years).
    if summary.get("rounds"):
        sentence += " " + _("Evaluation rounds: %(rounds)s.") % {
            "rounds": join_list(str(r) for r in summary["rounds"])
        }
    if summary.get("cycles"):
        sentence += " " + _("Evaluation cycles: %(cycles)s.") % {
            "cycles": join_list(summary["cycles"])
        }
    totals = summary.get("totals")
    if totals:
        sentence += " " + _totals_sentence(totals)
    return sentence


TOTAL_KEYS = ("orders", "firms", "revenue", "share")


def _totals_sentence(totals: dict) -> str:
    """The latest cycle's totals: its parks, those that met their targets,
    and the figures that add up across parks."""
    figures = []
    for key in TOTAL_KEYS:
        figure = totals.get(key)
        if not figure:
            continue
        value = figure["value"] + (figure.get("unit") or "")
        if figure.get("is_lower_bound"):
            value = _("over %(value)s") % {"value": value}
        figures.append(
            _("%(name)s: %(value)s") % {"name": figure["name"], "value": value}
        )
    sentence = _(
        "%(cycle)s: %(met)s of %(parks)s parks met their creation targets."
    ) % {
        "cycle": totals["cycle"],
        "met": format_int(totals.get("met", 0)),
        "parks": format_int(totals.get("parks", 0)),
    }
    if figures:
        sentence += " " + _("Totals: %(figures)s.") % {"figures": join_list(figures)}
    return sentence


def _listed(name: str, items: list | None, pdf: bool) -> dict:
    """`name` (cut to PDF_LIST_LIMIT in the PDF), `name_total` and `name_cut`."""
    items = items or []
    shown = items[:PDF_LIST_LIMIT] if pdf else items
    return {
        name: shown,
        f"{name}_total": len(items),
        f"{name}_cut": len(shown) < len(items),
    }


def audit_seal(snapshot: dict) -> dict | None:
    """The audit chain's head when the report was made, as the report prints
    it: None for a snapshot older than the key (nothing is printed), else
    ``sealed`` False before the first seal, or the entry, digest and time."""
    if "audit_seal" not in snapshot:
        return None
    seal = snapshot["audit_seal"]
    if not seal:
        return {"sealed": False}
    return {
        "sealed": True,
        "position": int(seal["position"]),
        "chain_digest": seal["chain_digest"],
        "sealed_at": seal["sealed_at"],
    }


def stated(value, qualifier=None, unit: str = "") -> str:
    """A snapshot figure as the source states it: "超过6,500", "200余"; a
    snapshot older than the qualifiers has none (the figure is exact)."""
    if value is None:
        return format_number(None)
    return figure_text(format_number(value), unit, qualifier)


def _with_stated(items: list | None) -> list:
    """Indicator rows with their actual value and readings as stated."""
    return [
        {
            **item,
            "actual_stated": stated(item.get("actual"), item.get("actual_qualifier")),
            "trend": [
                {**point, "stated": stated(point.get("value"), point.get("qualifier"))}
                for point in item.get("trend") or []
            ],
        }
        for item in items or []
    ]


def build_context(snapshot: dict, *, medium: str = "html") -> dict:
    """The template context of the report body; `medium` is "html" (the
    archived document and the site page) or "pdf" (summary tables only)."""
    from reports.narrative import story_text  # it words dates as this package does

    pdf = medium == "pdf"
    # The workbook draws its own, native charts.
    svg = medium != "xlsx"
    report = snapshot["report"]
    summary = snapshot["summary"]
    overdue = snapshot.get("overdue") or []
    updates = snapshot.get("updates") or []
    updates_total = snapshot.get("updates_total") or len(updates)
    overdue_shown = overdue[:PDF_OVERDUE_LIMIT] if pdf else overdue
    updates_shown = updates[:PDF_UPDATES_LIMIT] if pdf else updates
    return {
        "snapshot": snapshot,
        "medium": medium,
        # The opening summary (总体情况), worded from the snapshot alone.
        "story": story_text(snapshot),
        "language_tag": html_language(),
        "title": report_title(snapshot),
        "subject": report_subject(snapshot),
        "period": report_period(snapshot),
        "report": report,
        "kind": report["kind"],
        "is_scoped": report.get("scope", ScopeKind.INITIATIVE) != ScopeKind.INITIATIVE,
        "initiative": snapshot["initiative"],
        "issuer": snapshot.get("issuer") or "",
        "as_of_date": format_date(report.get("as_of_date")),
        "summary": summary,
        "status_rows": _count_rows(
            summary["by_status"], TaskStatus.values, status_label
        ),
        "light_rows": _count_rows(summary["by_light"], Light.values, light_label),
        "status_headers": [(c, status_label(c)) for c in TaskStatus.values],
        "light_headers": [(c, light_label(c)) for c in Light.values],
        "changes": _changes(snapshot),
        "group_sections": [
            {
                "slug": "work-streams",
                "heading": _("Progress by work stream"),
                "label": _("Work stream"),
                "rows": _group_rows(snapshot.get("by_work_stream") or []),
                "chart": mark_safe(charts.status_by_work_stream(snapshot))  # noqa: S308
                if svg
                else "",
                "empty": _("There are no work streams in this report's scope."),
            },
            {
                "slug": "parties",
                "heading": _("Progress by party"),
                "label": _("Party"),
                "rows": _group_rows(snapshot.get("by_party") or []),
                "chart": mark_safe(charts.lights_by_party(snapshot))  # noqa: S308
                if svg
                else "",
                "empty": _("There are no parties in this report's scope."),
            },
        ],
        "overdue": overdue_shown,
        "overdue_total": len(overdue),
        "overdue_cut": len(overdue_shown) < len(overdue),
        **_listed("upcoming", snapshot.get("upcoming_milestones"), pdf),
        **_listed("completed", snapshot.get("completed"), pdf),
        **_listed("extensions", snapshot.get("extensions"), pdf),
        **_listed("indicators", _with_stated(snapshot.get("indicators")), pdf),
        # None for a snapshot frozen before circle-wide indicators: no section.
        "circle_indicators": _with_stated(snapshot["initiative_indicators"])
        if "initiative_indicators" in snapshot
        else None,
        "parks": [
            # Snapshots frozen before pairs had members name two sides.
            {
                **pair,
                "sides": pair.get("sides")
                or [pair.get("park_a") or {}, pair.get("park_b") or {}],
            }
            for pair in snapshot.get("parks") or []
        ],
        "parks_sentence": _parks_sentence(snapshot.get("parks_summary") or {}),
        "updates": updates_shown,
        "updates_total": updates_total,
        "updates_cut": len(updates_shown) < updates_total,
        "show_task_list": not pdf,
        "tasks": [] if pdf else snapshot.get("tasks") or [],
        "audit_seal": audit_seal(snapshot),
        # The charts are built from escaped text only (see charts/svg.py).
        "trend_chart": mark_safe(charts.trend(snapshot)) if svg else "",  # noqa: S308
    }
