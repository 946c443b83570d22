"""The opening summary's concerns and outlook: what turned red and why, the
joint office's reminders, the forecast's warnings (when the snapshot has a
forecast) and next period's milestones. See reports/narrative/__init__.py."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from charts.formatting import format_int, short_float
from tracker.choices import Light, LightReason
from tracker.lights import reason_text

from .writer import LIST_LIMIT, Figure, Sentence, Writer, task_name


def reason(w: Writer, reason: dict | None, path: str) -> str:
    """The light's reason (tracker.lights.reason_text), its figures noted."""
    if not reason:
        return ""
    code, f = reason.get("code"), reason.get("figures") or {}
    base = f"{path}.figures"

    def note(key):
        w.figures.append(Figure(f[key], f"{base}.{key}", format_int(f[key])))

    if code == LightReason.TASK_OVERDUE:
        note("days")
        if f.get("milestones"):
            note("milestones")
    elif code == LightReason.MILESTONE_OVERDUE:
        w.term(f.get("milestone"))
        note("milestone_days")
        if (f.get("milestones") or 1) > 1:
            note("milestones")
    elif code == LightReason.PROGRESS_LAG:
        for key in ("progress", "points", "elapsed"):
            w.figures.append(Figure(f[key], f"{base}.{key}", short_float(f[key])))
    elif code == LightReason.OVERRIDE:
        w.term(f.get("by"))
        w.term(f.get("note"))
        if f.get("until"):
            w.day(f["until"], f"{base}.until")
    elif code == LightReason.MILESTONE_DUE_SOON:
        w.term(f.get("milestone"))
        if f.get("days_left"):
            note("days_left")
    return reason_text(reason)


def red_lights(w: Writer, s: dict) -> Sentence:
    previous = s.get("previous_tasks")
    rows = [
        (i, t) for i, t in enumerate(s.get("tasks") or []) if t["light"] == Light.RED
    ]
    if previous is not None:
        rows = [
            (i, t)
            for i, t in rows
            if (previous.get(t["code"]) or {}).get("light") != Light.RED
        ]
    # The longest overdue first, as the report's list of red lights has them.
    order = {row["code"]: n for n, row in enumerate(s.get("overdue") or [])}
    rows.sort(key=lambda it: order.get(it[1]["code"], len(order)))
    if not rows:
        if previous is not None and (s["summary"]["by_light"].get(Light.RED) or 0):
            return w.done(_("No task turned red this period."))
        return w.done(_("No task shows a red light."))
    parts = []
    for index, task in rows[:LIST_LIMIT]:
        name = task_name(w, task["code"], task["title"])
        why = reason(w, task.get("reason"), f"tasks.{index}.reason")
        parts.append(
            _("%(task)s: %(reason)s") % {"task": name, "reason": why} if why else name
        )
    count = "newly_red" if previous is not None else "red"
    values = {
        "count": w.num(len(rows), f"count:{count}"),
        "items": w.listed(parts, len(rows), count, clauses=True),
    }
    if previous is not None:
        text = ngettext(
            "%(count)s task turned red this period: %(items)s.",
            "%(count)s tasks turned red this period: %(items)s.",
            len(rows),
        )
    else:
        text = ngettext(
            "%(count)s task shows a red light: %(items)s.",
            "%(count)s tasks show a red light: %(items)s.",
            len(rows),
        )
    return w.done(text % values)


def reminders(w: Writer, s: dict) -> Sentence | None:
    summary = s["summary"]
    if summary.get("urges") is None:
        return None  # a snapshot frozen before the supervision figures
    if not summary["urges"] and not summary.get("notices"):
        return w.done(_("The joint office sent no reminder or notice this period."))
    values = {
        "urges": w.num(summary["urges"], "summary.urges"),
        "notices": w.num(summary.get("notices") or 0, "summary.notices"),
    }
    text = _(
        "The joint office sent %(urges)s reminders and %(notices)s notices this period."
    )
    urged = sorted(
        ((i, t) for i, t in enumerate(s.get("tasks") or []) if t.get("urges")),
        key=lambda it: (-(it[1].get("urges") or 0), it[1]["code"]),
    )
    if urged:
        parts = [
            pgettext("reminders of a task", "%(task)s (%(count)s)")
            % {
                "task": w.term(t["code"]),
                "count": w.num(t.get("urges") or 0, f"tasks.{i}.urges"),
            }
            for i, t in urged[:LIST_LIMIT]
        ]
        values["items"] = w.listed(parts, len(urged), "urged_tasks")
        text = _(
            "The joint office sent %(urges)s reminders and %(notices)s "
            "notices this period; reminders by task: %(items)s."
        )
    return w.done(text % values)


def _forecast_part(w: Writer, item: dict, path: str) -> str:
    """A task at risk: its forecast finish and how late that is, as far as
    the forecast states them."""
    values = {"task": task_name(w, item["code"], item["title"])}
    if not item.get("forecast_date"):
        return values["task"]
    values["date"] = w.day(item["forecast_date"], f"{path}.forecast_date")
    slip = item.get("slip_days") or 0
    if slip <= 0:
        return _("%(task)s, expected on %(date)s") % values
    values["days"] = w.num(slip, f"{path}.slip_days")
    return (
        ngettext(
            "%(task)s, expected on %(date)s, %(days)s day late",
            "%(task)s, expected on %(date)s, %(days)s days late",
            slip,
        )
        % values
    )


def forecast_warnings(w: Writer, s: dict) -> list[Sentence]:
    """Only when the snapshot carries a forecast (and dependency alerts)."""
    sentences = []
    if "forecast" in s:
        risky = [(i, f) for i, f in enumerate(s["forecast"] or []) if f.get("at_risk")]
        # The latest first: the ones leadership should hear of when the list
        # is cut.
        risky.sort(key=lambda pair: (-(pair[1].get("slip_days") or 0), pair[1]["code"]))
        if not risky:
            sentences.append(
                w.done(_("The forecast expects every open task to finish on time."))
            )
        else:
            parts = []
            for index, item in risky[:LIST_LIMIT]:
                parts.append(_forecast_part(w, item, f"forecast.{index}"))
            sentences.append(
                w.done(
                    ngettext(
                        "The forecast sees %(count)s task at risk of slipping: "
                        "%(items)s.",
                        "The forecast sees %(count)s tasks at risk of slipping: "
                        "%(items)s.",
                        len(risky),
                    )
                    % {
                        "count": w.num(len(risky), "count:at_risk"),
                        "items": w.listed(parts, len(risky), "at_risk", clauses=True),
                    }
                )
            )
    alerts = s.get("dependency_alerts") or []
    if alerts:
        parts = [
            _("%(task)s (held up by %(blocker)s)")
            % {"task": w.term(a["code"]), "blocker": w.term(a["blocker_code"])}
            for a in alerts[:LIST_LIMIT]
        ]
        sentences.append(
            w.done(
                ngettext(
                    "%(count)s task is held up by another: %(items)s.",
                    "%(count)s tasks are held up by others: %(items)s.",
                    len(alerts),
                )
                % {
                    "count": w.num(len(alerts), "count:dependency_alerts"),
                    "items": w.listed(parts, len(alerts), "dependency_alerts"),
                }
            )
        )
    return sentences


def next_steps(w: Writer, s: dict) -> list[Sentence]:
    upcoming = s.get("next_period")
    if not upcoming:
        return []
    milestones = upcoming.get("milestones") or []
    values = {
        "period": w.period(
            s["report"]["kind"],
            upcoming["period_start"],
            upcoming["period_end"],
            "next_period",
        )
    }
    if not milestones:
        return [
            w.done(
                _("No milestone falls due in the next period (%(period)s).") % values
            )
        ]
    parts = [
        _("%(task)s “%(milestone)s” (%(date)s)")
        % {
            "date": w.day(
                m["due_date"], f"next_period.milestones.{i}.due_date", year=False
            ),
            "task": w.term(m["task_code"]),
            "milestone": w.term(m["title"]),
        }
        for i, m in enumerate(milestones[:LIST_LIMIT])
    ]
    values |= {
        "count": w.num(len(milestones), "count:due_next"),
        "items": w.listed(parts, len(milestones), "due_next", clauses=True),
    }
    return [
        w.done(
            ngettext(
                "%(count)s milestone falls due in the next period (%(period)s): "
                "%(items)s.",
                "%(count)s milestones fall due in the next period (%(period)s): "
                "%(items)s.",
                len(milestones),
            )
            % values
        )
    ]
