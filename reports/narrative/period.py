"""The opening summary's account of the period: overall completion and its
change, progress updates by work stream, completions, extensions. See
reports/narrative/__init__.py."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from reports.render.formatting import join_list
from tracker.choices import Light

from .writer import LIST_LIMIT, Sentence, Writer, task_name


def overall(w: Writer, s: dict) -> list[Sentence]:
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


def _change(w: Writer, s: dict) -> Sentence:
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


def this_period(w: Writer, s: dict) -> list[Sentence]:
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


def _completed(w: Writer, s: dict) -> Sentence:
    completed = s.get("completed") or []
    if not completed:
        return w.done(_("No task was completed and closed this period."))
    parts = []
    for item in completed[:LIST_LIMIT]:
        name = task_name(w, item["code"], item["title"])
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


def _extensions(w: Writer, s: dict) -> Sentence | None:
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
                    "task": task_name(w, item["task_code"], item["task_title"]),
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
