"""Why a task has its light, in words: the one place that turns the reason
code and figures `tracker.selectors.with_light` computes in SQL into a
sentence. Pages (the `light_reason` filter), the API, the reports and the
XLSX all call `reason_text`, so a light reads the same everywhere.

A reason is plain JSON — {"code": …, "figures": {…}} with numbers, names and
ISO dates — so that a report's snapshot can keep it and word it again in any
language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import Light, LightReason

# Most severe first: lists sorted by light show what needs attention on top
# (the stored light's `rank`).
LIGHT_SEVERITY = {
    Light.RED: 0,
    Light.AMBER: 1,
    Light.GREEN: 2,
    Light.CLOSED: 3,
    Light.NONE: 4,
}


def _get(row, name, default=None):
    if isinstance(row, Mapping):
        return row.get(name, default)
    return getattr(row, name, default)


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def reason_of(task) -> dict | None:
    """The reason of a task annotated by `with_light` (or of a row of its
    `values()`), as {"code", "figures"}; None when it was not annotated. A
    task read with its stored light carries the reason as stored."""
    stored = _get(task, "stored_reason")
    if stored is not None:
        return stored
    code = _get(task, "light_reason")
    if not code:
        return None
    figures: dict = {}
    if code == LightReason.OVERRIDE:
        figures = {
            "light": _get(task, "override_light"),
            "computed": _get(task, "computed_light"),
            "by": _get(task, "override_set_by"),
            "until": _iso(_get(task, "override_expires_at")),
            "note": _get(task, "override_reason"),
        }
    elif code == LightReason.CLOSED:
        figures = {"completed_at": _iso(_get(task, "completed_at"))}
    elif code in (LightReason.TASK_OVERDUE, LightReason.MILESTONE_OVERDUE):
        figures = {
            "days": _get(task, "days_overdue") or 0,
            "milestone": _get(task, "late_milestone_title"),
            "milestone_days": _get(task, "milestone_days_overdue") or 0,
            "milestones": _get(task, "late_milestone_count") or 0,
        }
    elif code == LightReason.MILESTONE_DUE_SOON:
        figures = {
            "milestone": _get(task, "soon_milestone_title"),
            "days_left": _get(task, "milestone_days_left") or 0,
        }
    elif code == LightReason.DEPENDENCY_DELAY:
        figures = {
            "blocker": _get(task, "delayed_by"),
            "milestone": _get(task, "delayed_by_milestone"),
        }
    elif code in (LightReason.PROGRESS_LAG, LightReason.ON_TRACK):
        figures = {
            "progress": _get(task, "progress_now"),
            "elapsed": _get(task, "elapsed_percent"),
            "points": _get(task, "lag_percent"),
        }
    return {"code": str(code), "figures": figures}


def _date(value: str | None) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value[:10])
    return formats.date_format(day, "DATE_FORMAT")


def reason_text(reason: Mapping | None) -> str:
    """The reason as one sentence in the active language ("" for none)."""
    if not reason:
        return ""
    code, f = reason.get("code"), reason.get("figures") or {}
    if code == LightReason.OVERRIDE:
        return _("Light set by %(by)s until %(until)s: %(note)s") % {
            "by": f.get("by") or "—",
            "until": _date(f.get("until")),
            "note": f.get("note") or "",
        }
    if code == LightReason.CLOSED:
        if f.get("completed_at"):
            return _("Closed on %(date)s") % {"date": _date(f["completed_at"])}
        return _("Closed")
    if code == LightReason.SUSPENDED:
        return _("Suspended: no light while it is suspended")
    if code == LightReason.CANCELLED:
        return _("Cancelled: no light any more")
    if code == LightReason.TASK_OVERDUE:
        text = ngettext(
            "Task overdue by %(days)s day",
            "Task overdue by %(days)s days",
            f["days"],
        ) % {"days": f["days"]}
        if f.get("milestones"):
            text += ngettext(
                "; %(count)s milestone overdue too",
                "; %(count)s milestones overdue too",
                f["milestones"],
            ) % {"count": f["milestones"]}
        return text
    if code == LightReason.MILESTONE_OVERDUE:
        values = {
            "milestone": f.get("milestone") or "",
            "days": f.get("milestone_days") or 0,
            "count": f.get("milestones") or 1,
        }
        if values["count"] > 1:
            return (
                _(
                    "%(count)s milestones overdue, the longest “%(milestone)s” "
                    "by %(days)s days"
                )
                % values
            )
        return (
            ngettext(
                "Milestone “%(milestone)s” overdue by %(days)s day",
                "Milestone “%(milestone)s” overdue by %(days)s days",
                values["days"],
            )
            % values
        )
    if code == LightReason.MILESTONE_DUE_SOON:
        values = {"milestone": f.get("milestone") or "", "days": f.get("days_left")}
        if not values["days"]:
            return _("Milestone “%(milestone)s” due today") % values
        return (
            ngettext(
                "Milestone “%(milestone)s” due in %(days)s day",
                "Milestone “%(milestone)s” due in %(days)s days",
                values["days"],
            )
            % values
        )
    if code == LightReason.DEPENDENCY_DELAY:
        values = {"blocker": f.get("blocker") or ""}
        if f.get("milestone"):
            return _("Held up by %(blocker)s's delayed milestone") % values
        return _("Held up by %(blocker)s's delay") % values
    if code == LightReason.PROGRESS_LAG:
        return (
            _(
                "Progress %(progress)s%% lags elapsed time by %(points)s points "
                "(%(elapsed)s%% of the planned time elapsed)"
            )
            % f
        )
    if code == LightReason.ON_TRACK:
        if f.get("elapsed") is not None:
            return (
                _(
                    "Progress %(progress)s%% with %(elapsed)s%% of the planned time elapsed"
                )
                % f
            )
        return _("No milestone overdue or due soon")
    return ""


def reason_dict(task) -> dict | None:
    """The reason with its sentence: what the API's light carries."""
    reason = reason_of(task)
    if reason is None:
        return None
    return {**reason, "text": reason_text(reason)}
