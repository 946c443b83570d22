"""The report's opening summary (总体情况), written from its frozen snapshot
by rules and templates, in the active language.

    story(snapshot) -> [Paragraph(heading, [Sentence(text, figures, terms)])]

Each sentence keeps the figures it states, each with where in the snapshot it
comes from (`source`) and how the sentence writes it, and the names it quotes
(titles, codes, work streams), so that a test can take the numbers back out of
the text and check every one against the snapshot. Nothing here reads the
database: the same snapshot reads the same every time it is rendered.

A `source` is a path into the snapshot ("summary.by_light.red",
"overdue.0.reason.figures.milestone_days") or a count the summary makes of it
("count:newly_red", "more:newly_red": those not named in a cut list); see
`COUNTS` for what each count counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from charts.formatting import (
    format_date,
    format_int,
    format_percent,
    is_chinese,
    short_float,
    to_date,
)
from tracker.choices import Light, LightReason
from tracker.lights import reason_text

from .render.formatting import format_period, join_list

# A list in a sentence names this many, then "and N more".
LIST_LIMIT = 3
# What a count source counts (the tests count the same from the snapshot).
COUNTS = {
    "newly_red": "tasks red now that were not red in the previous report",
    "red": "tasks red now (no previous report to compare with)",
    "streams_updated": "work streams with a progress update in the period",
    "completed": "tasks completed in the period",
    "approved": "extensions approved in the period",
    "pending": "extension requests awaiting a decision at the period's end",
    "urged_tasks": "tasks urged in the period",
    "at_risk": "forecast entries flagged at risk",
    "dependency_alerts": "dependency alerts",
    "due_next": "milestones due in the next period",
}


@dataclass(frozen=True)
class Figure:
    value: int | float | str  # a number, or a day as ISO text
    source: str
    text: str  # as the sentence writes it
    kind: str = "number"  # or "date"


@dataclass
class Sentence:
    text: str
    figures: list[Figure] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


@dataclass
class Paragraph:
    heading: str
    sentences: list[Sentence]
    # Chinese sentences follow each other with no space between.
    joiner: str = field(default_factory=lambda: "" if is_chinese() else " ")

    @property
    def text(self) -> str:
        return self.joiner.join(s.text for s in self.sentences)


class _Writer:
    """Collects a sentence's figures and quoted names as its parts are written."""

    def __init__(self):
        self.figures: list[Figure] = []
        self.terms: list[str] = []

    def num(self, value, source: str) -> str:
        text = format_int(abs(value))
        self.figures.append(Figure(value, source, text))
        return text

    def pct(self, value, source: str) -> str:
        text = format_percent(value)
        self.figures.append(Figure(value, source, text))
        return text

    def points(self, value, source: str) -> str:
        text = short_float(abs(float(value)))
        self.figures.append(Figure(value, source, text))
        return text

    def day(self, value: str, source: str, *, year: bool = True) -> str:
        text = format_date(value) if year else _short_day(value)
        self.figures.append(Figure(value[:10], source, text, kind="date"))
        return text

    def period(self, kind: str, start: str, end: str, source: str) -> str:
        """A period as the report names it (2026年11月, 11月23日—29日); its
        figure's value is "start/end" from `source`.period_start/period_end."""
        text = format_period(kind, start, end)
        self.figures.append(Figure(f"{start[:10]}/{end[:10]}", source, text, "period"))
        return text

    def term(self, text) -> str:
        text = str(text or "")
        if text:
            self.terms.append(text)
        return text

    def listed(
        self, parts: list[str], total: int, count: str, *, clauses: bool = False
    ) -> str:
        """Up to LIST_LIMIT parts, then "and N more" (等 in Chinese); parts
        that are clauses themselves are set apart by semicolons."""
        if clauses:
            shown = pgettext("clause separator", "; ").join(parts[:LIST_LIMIT])
        else:
            shown = join_list(parts[:LIST_LIMIT])
        more = total - min(total, LIST_LIMIT)
        if more <= 0:
            return shown
        template = ngettext(
            "%(items)s and %(more)s more", "%(items)s and %(more)s more", more
        )
        values = {"items": shown, "more": ""}
        if "%(more)s" in template:
            values["more"] = self.num(more, f"more:{count}")
        return template % values

    def done(self, text: str) -> Sentence:
        sentence = Sentence(text, self.figures, self.terms)
        self.figures, self.terms = [], []
        return sentence


def _short_day(value) -> str:
    day = to_date(value)
    if is_chinese():
        return f"{day.month}月{day.day}日"
    return format_date(day).rsplit(" ", 1)[0]


def _task_name(w: _Writer, code: str, title: str) -> str:
    """NY-01川渝1000千伏特高压交流工程 → “title”（NY-01）; English: NY-01 “title”."""
    return _("“%(title)s” (%(code)s)") % {"title": w.term(title), "code": w.term(code)}


# --- the reason of a light, with its figures ------------------------------------


def _reason(w: _Writer, reason: dict | None, path: str) -> str:
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


# --- the paragraphs -------------------------------------------------------------


def _overall(w: _Writer, s: dict) -> list[Sentence]:
    summary, report = s["summary"], s["report"]
    values = {
        "date": w.day(report["as_of_date"], "report.as_of_date"),
        "scope": w.term(report.get("scope_name") or s["initiative"]["name"]),
    }
    if not summary["total"]:
        return [w.done(_("As of %(date)s, %(scope)s has no tasks.") % values)]
    values |= {
        "total": w.num(summary["total"], "summary.total"),
        "completed": w.num(summary["completed"], "summary.completed"),
    }
    if summary.get("completion_rate") is None:
        text = _(
            "As of %(date)s, %(scope)s has %(total)s tasks, "
            "%(completed)s of them completed."
        )
    else:
        values["rate"] = w.pct(summary["completion_rate"], "summary.completion_rate")
        text = _(
            "As of %(date)s, %(scope)s has %(total)s tasks, %(completed)s of "
            "them completed: a completion rate of %(rate)s."
        )
    sentences = [w.done(text % values)]
    sentences.append(_change(w, s))
    lights = summary["by_light"]
    sentences.append(
        w.done(
            _(
                "Of its %(milestones)s milestones, %(done)s are done and "
                "%(late)s overdue; %(red)s tasks show a red light, %(amber)s "
                "amber and %(green)s green."
            )
            % {
                "milestones": w.num(
                    summary.get("milestones_total") or 0, "summary.milestones_total"
                ),
                "done": w.num(
                    summary.get("milestones_done") or 0, "summary.milestones_done"
                ),
                "late": w.num(
                    summary.get("milestones_overdue") or 0,
                    "summary.milestones_overdue",
                ),
                "red": w.num(lights.get(Light.RED, 0), "summary.by_light.red"),
                "amber": w.num(lights.get(Light.AMBER, 0), "summary.by_light.amber"),
                "green": w.num(lights.get(Light.GREEN, 0), "summary.by_light.green"),
            }
        )
    )
    return sentences


def _change(w: _Writer, s: dict) -> Sentence:
    changes, previous = s.get("changes"), s.get("previous")
    if not changes or not previous:
        return w.done(
            _(
                "This is the first report for this scope: there is no earlier period to compare with."
            )
        )
    values = {
        "period": w.period(
            s["report"]["kind"],
            previous["period_start"],
            previous["period_end"],
            "previous",
        ),
    }
    rate = changes.get("completion_rate")
    completed = changes.get("completed") or 0
    if rate:
        values["points"] = w.points(rate, "changes.completion_rate")
        clause = (
            _("the completion rate rose by %(points)s percentage points")
            if rate > 0
            else _("the completion rate fell by %(points)s percentage points")
        ) % values
    else:
        clause = _("the completion rate is unchanged")
    if completed > 0:
        clause += pgettext("clause separator", ", ") + ngettext(
            "%(count)s more task completed",
            "%(count)s more tasks completed",
            completed,
        ) % {"count": w.num(completed, "changes.completed")}
    red = (changes.get("by_light") or {}).get(Light.RED) or 0
    if red:
        clause += pgettext("clause separator", ", ") + (
            ngettext(
                "red lights up by %(count)s",
                "red lights up by %(count)s",
                red,
            )
            if red > 0
            else ngettext(
                "red lights down by %(count)s",
                "red lights down by %(count)s",
                -red,
            )
        ) % {"count": w.num(red, "changes.by_light.red")}
    values["changes"] = clause
    return w.done(
        _("Compared with the previous period (%(period)s), %(changes)s.") % values
    )


def _progress(w: _Writer, s: dict) -> list[Sentence]:
    sentences = []
    updates = s.get("updates") or []
    total = s.get("updates_total") or len(updates)
    if not total:
        sentences.append(w.done(_("No progress update was reported this period.")))
    else:
        stream_of = {t["code"]: t.get("work_stream") for t in s.get("tasks") or []}
        counts = Counter(stream_of.get(u["task_code"]) for u in updates)
        counts.pop(None, None)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        values = {"updates": w.num(total, "updates_total")}
        if not ranked or len(updates) < total:
            text = ngettext(
                "%(updates)s progress update was reported this period.",
                "%(updates)s progress updates were reported this period.",
                total,
            )
        else:
            parts = [
                pgettext("updates in a work stream", "%(stream)s (%(count)s)")
                % {
                    "stream": w.term(name),
                    "count": w.num(n, f"count:updates_in:{name}"),
                }
                for name, n in ranked[:LIST_LIMIT]
            ]
            values["streams"] = w.num(len(ranked), "count:streams_updated")
            values["most"] = w.listed(parts, len(ranked), "streams_updated")
            text = ngettext(
                "%(updates)s progress updates were reported this period, in "
                "%(streams)s work stream: %(most)s.",
                "%(updates)s progress updates were reported this period, in "
                "%(streams)s work streams, most in %(most)s.",
                len(ranked),
            )
        sentences.append(w.done(text % values))
    sentences.append(_completed(w, s))
    extensions = _extensions(w, s)
    if extensions:
        sentences.append(extensions)
    return sentences


def _completed(w: _Writer, s: dict) -> Sentence:
    completed = s.get("completed") or []
    if not completed:
        return w.done(_("No task was completed and closed this period."))
    parts = []
    for item in completed[:LIST_LIMIT]:
        name = _task_name(w, item["code"], item["title"])
        if item.get("confirmed_by"):
            name = _("%(task)s, confirmed by %(parties)s") % {
                "task": name,
                "parties": join_list(w.term(p) for p in item["confirmed_by"]),
            }
        parts.append(name)
    return w.done(
        ngettext(
            "%(count)s task was completed and closed this period: %(items)s.",
            "%(count)s tasks were completed and closed this period: %(items)s.",
            len(completed),
        )
        % {
            "count": w.num(len(completed), "count:completed"),
            "items": w.listed(parts, len(completed), "completed", clauses=True),
        }
    )


def _extensions(w: _Writer, s: dict) -> Sentence | None:
    extensions = s.get("extensions") or []
    approved = [e for e in extensions if e.get("status") == "approved"]
    pending = [e for e in extensions if e.get("status") == "pending"]
    if not approved and not pending:
        return None
    texts = []
    if approved:
        parts = []
        for index, item in enumerate(extensions):
            if item.get("status") != "approved" or len(parts) == LIST_LIMIT:
                continue
            parts.append(
                _("%(task)s, from %(before)s to %(after)s")
                % {
                    "task": _task_name(w, item["task_code"], item["task_title"]),
                    "before": w.day(
                        item["current_due_date"],
                        f"extensions.{index}.current_due_date",
                    ),
                    "after": w.day(
                        item["requested_due_date"],
                        f"extensions.{index}.requested_due_date",
                    ),
                }
            )
        texts.append(
            ngettext(
                "%(count)s extension was granted: %(items)s",
                "%(count)s extensions were granted: %(items)s",
                len(approved),
            )
            % {
                "count": w.num(len(approved), "count:approved"),
                "items": w.listed(parts, len(approved), "approved", clauses=True),
            }
        )
    if pending:
        texts.append(
            ngettext(
                "%(count)s extension request awaits a decision",
                "%(count)s extension requests await a decision",
                len(pending),
            )
            % {"count": w.num(len(pending), "count:pending")}
        )
    return w.done(
        _("%(clauses)s.") % {"clauses": pgettext("clause separator", "; ").join(texts)}
    )


def _red(w: _Writer, s: dict) -> Sentence:
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
    if not rows:
        if previous is not None and (s["summary"]["by_light"].get(Light.RED) or 0):
            return w.done(_("No task turned red this period."))
        return w.done(_("No task shows a red light."))
    parts = []
    for index, task in rows[:LIST_LIMIT]:
        name = _task_name(w, task["code"], task["title"])
        why = _reason(w, task.get("reason"), f"tasks.{index}.reason")
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


def _urges(w: _Writer, s: dict) -> Sentence | None:
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


def _forecast(w: _Writer, s: dict) -> list[Sentence]:
    """Only when the snapshot carries a forecast (and dependency alerts)."""
    sentences = []
    if "forecast" in s:
        risky = [(i, f) for i, f in enumerate(s["forecast"] or []) if f.get("at_risk")]
        if not risky:
            sentences.append(
                w.done(_("The forecast expects every open task to finish on time."))
            )
        else:
            parts = []
            for index, item in risky[:LIST_LIMIT]:
                values = {
                    "task": _task_name(w, item["code"], item["title"]),
                    "date": w.day(
                        item["forecast_date"], f"forecast.{index}.forecast_date"
                    ),
                }
                slip = item.get("slip_days") or 0
                if slip > 0:
                    values["days"] = w.num(slip, f"forecast.{index}.slip_days")
                    parts.append(
                        ngettext(
                            "%(task)s, expected on %(date)s, %(days)s day late",
                            "%(task)s, expected on %(date)s, %(days)s days late",
                            slip,
                        )
                        % values
                    )
                else:
                    parts.append(_("%(task)s, expected on %(date)s") % values)
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


def _ahead(w: _Writer, s: dict) -> list[Sentence]:
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


def story(snapshot: dict) -> list[Paragraph]:
    """The opening summary of a report, in the active language."""
    w = _Writer()
    paragraphs = [Paragraph(_("Overall progress"), _overall(w, snapshot))]
    if not snapshot["summary"]["total"]:
        return paragraphs
    paragraphs.append(Paragraph(_("This period"), _progress(w, snapshot)))
    concerns = [_red(w, snapshot)]
    urges = _urges(w, snapshot)
    if urges:
        concerns.append(urges)
    concerns += _forecast(w, snapshot)
    paragraphs.append(Paragraph(_("Problems and supervision"), concerns))
    ahead = _ahead(w, snapshot)
    if ahead:
        paragraphs.append(Paragraph(_("Next steps"), ahead))
    return paragraphs


def story_text(snapshot: dict) -> list[tuple[str, str]]:
    """(heading, text) of each paragraph, for templates and the workbook."""
    return [(p.heading, p.text) for p in story(snapshot)]


__all__ = ["COUNTS", "LIST_LIMIT", "Figure", "Paragraph", "Sentence", "story"]
