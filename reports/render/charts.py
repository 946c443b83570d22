"""The report's charts, as SVG text: no script, the same in a browser, an
e-mail and the PDF (WeasyPrint draws inline SVG itself).

Colour is never the only carrier: every segment and point has its number
written next to it, every bar a line of text naming its parts, and the
`<desc>` says all of it for a screen reader. Presentation attributes
(`fill=`) rather than `style=`, so the page's content security and the
"no inline style" rule of the report body both hold.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.choices import ReportKind
from tracker.choices import Light, TaskStatus

from .formatting import (
    format_int,
    format_percent,
    format_period,
    format_short_period,
    light_label,
    status_label,
    text_width,
)

FONT = "'Noto Sans CJK SC', sans-serif"
INK = "#1f2933"
MUTED = "#52606d"
GRID = "#d9e2ec"
WIDTH = 680
PAD = 12
SIZE = 12
SMALL = 11

# (fill, ink for a number written on the fill)
STATUS_COLOURS = {
    TaskStatus.NOT_STARTED: ("#9aa5b1", INK),
    TaskStatus.IN_PROGRESS: ("#2f6fb3", "#ffffff"),
    TaskStatus.COMPLETION_CLAIMED: ("#7b4fa8", "#ffffff"),
    TaskStatus.COMPLETED: ("#1e7b34", "#ffffff"),
    TaskStatus.SUSPENDED: ("#a15c00", "#ffffff"),
    TaskStatus.CANCELLED: ("#cbd2d9", INK),
}
LIGHT_COLOURS = {
    Light.RED: ("#b3261e", "#ffffff"),
    Light.AMBER: ("#f0b429", INK),
    Light.GREEN: ("#1e7b34", "#ffffff"),
    Light.NONE: ("#cbd2d9", INK),
}
RATE_COLOUR = "#2f6fb3"
OVERDUE_FILL, OVERDUE_INK = "#f4c7c3", "#8a1c14"


def _n(value: float) -> str:
    """A coordinate, short and stable."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x, y, content, *, size=SIZE, fill=INK, anchor="start", weight=None) -> str:
    bold = ' font-weight="bold"' if weight else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}"{bold}>{escape(str(content))}</text>'
    )


def _rect(x, y, w, h, fill, *, stroke=None, tooltip=None) -> str:
    line = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    inner = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
        f'fill="{fill}"{line}>{inner}</rect>'
    )


def _svg(ident: str, width: float, height: float, title: str, desc: str, body) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" '
        f'height="{_n(height)}" aria-labelledby="{ident}-title {ident}-desc" '
        f"font-family={quoteattr(FONT)}>"
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _clip(label: str, room: float, size: float) -> str:
    if text_width(label, size) <= room:
        return label
    while label and text_width(label + "…", size) > room:
        label = label[:-1]
    return label + "…"


def _counted(label: str, count) -> str:
    return pgettext("chart: a category and its count", "%(label)s %(count)s") % {
        "label": label,
        "count": format_int(count),
    }


def _legend(items, y: float) -> tuple[list[str], float]:
    """Swatches with their labels, wrapped to the width; returns the next free y."""
    parts, x = [], PAD
    for fill, label in items:
        room = 14 + text_width(label, SIZE) + 18
        if x + room > WIDTH - PAD and x > PAD:
            x, y = PAD, y + 20
        parts.append(_rect(x, y - 10, 12, 12, fill, stroke=MUTED))
        parts.append(_text(x + 17, y, label))
        x += room
    return parts, y + 14


def _wrap(text_parts: list[str], room: float, size: float) -> list[str]:
    separator = pgettext("list separator", ", ")
    lines, line = [], ""
    for part in text_parts:
        candidate = f"{line}{separator}{part}" if line else part
        if line and text_width(candidate, size) > room:
            lines.append(line)
            line = part
        else:
            line = candidate
    return [*lines, line] if line else lines


def stacked_bars(
    *,
    ident: str,
    title: str,
    intro: str,
    rows,
    categories,
    empty: str,
    totals: bool = True,
) -> str:
    """Horizontal stacked bars: rows are (label, {code: count}); categories are
    (code, label, fill, ink), in the order of the segments. `totals` adds each
    category's sum to the legend (not for rows that share tasks, like parties)."""
    legend_items = [
        (
            fill,
            _counted(label, sum(counts.get(code, 0) for _, counts in rows))
            if totals
            else label,
        )
        for code, label, fill, _ink in categories
    ]
    body, y = _legend(legend_items, PAD + 12)
    y += 6
    label_room = min(
        max([text_width(label, SIZE) for label, _ in rows] or [0]) + 10, 220
    )
    x0 = PAD + label_room
    bar_room = WIDTH - x0 - PAD - 44
    biggest = max([sum(counts.values()) for _, counts in rows] or [0]) or 1
    separator = pgettext("clause separator", "; ")
    described = []
    for label, counts in rows:
        total = sum(counts.get(code, 0) for code, *_ in categories)
        parts = [
            _counted(name, counts[code])
            for code, name, *_ in categories
            if counts.get(code)
        ]
        detail = parts or [empty]
        described.append(
            _("%(name)s: %(parts)s")
            % {"name": label, "parts": pgettext("list separator", ", ").join(detail)}
        )
        body.append(
            f"<g><title>{escape(label)}</title>"
            + _text(PAD, y + 13, _clip(label, label_room - 8, SIZE))
            + "</g>"
        )
        x = x0
        if not total:
            body.append(_rect(x0, y, bar_room, 18, "#ffffff", stroke=GRID))
        for code, name, fill, ink in categories:
            count = counts.get(code, 0)
            if not count:
                continue
            width = bar_room * count / biggest
            body.append(_rect(x, y, width, 18, fill, tooltip=_counted(name, count)))
            number = format_int(count)
            if width >= text_width(number, SMALL) + 6:
                body.append(_text(x + width / 2, y + 13, number, size=SMALL, fill=ink))
            x += width
        body.append(_text(x + 6, y + 13, format_int(total), weight=True))
        for line in _wrap(detail, WIDTH - x0 - PAD, SMALL):
            y += 15
            body.append(_text(x0, y + 16, line, size=SMALL, fill=MUTED))
        y += 30
    desc = intro + " " + separator.join(described)
    return _svg(ident, WIDTH, y + PAD, title, desc, body)


def status_by_work_stream(snapshot: dict) -> str:
    categories = [
        (code, status_label(code), *STATUS_COLOURS[code]) for code in TaskStatus.values
    ]
    rows = [(s["name"], s["by_status"]) for s in snapshot["by_work_stream"]]
    return stacked_bars(
        ident="chart-status",
        title=_("Tasks by status in each work stream"),
        intro=_("Each bar is a work stream; its parts count the tasks by status."),
        rows=rows,
        categories=categories,
        empty=_("no tasks"),
    )


def lights_by_party(snapshot: dict) -> str:
    categories = [
        (code, light_label(code), *LIGHT_COLOURS[code]) for code in Light.values
    ]
    rows = [(p["name"], p["by_light"]) for p in snapshot["by_party"]]
    return stacked_bars(
        ident="chart-lights",
        title=_("Status lights of each party's tasks"),
        intro=_("Each bar is a party; its parts count its tasks by status light."),
        rows=rows,
        categories=categories,
        empty=_("no tasks"),
        # A task owned by both parties is counted in both bars.
        totals=False,
    )


def _ceiling(value: int) -> int:
    """A round top for the overdue axis, a little above the highest bar."""
    target = max(value * 1.2, 1)
    magnitude = 1
    while magnitude * 10 < target:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= target:
            return step * magnitude
    return 10 * magnitude


def _trend_title(kind: str) -> str:
    if kind == ReportKind.WEEKLY:
        return _("Weekly trend")
    if kind == ReportKind.MONTHLY:
        return _("Monthly trend")
    if kind == ReportKind.QUARTERLY:
        return _("Quarterly trend")
    return _("Trend")


def trend(snapshot: dict) -> str:
    """Completion rate (line, left axis) and overdue tasks (bars, right axis)
    across this report and the earlier ones of its kind; one point is fine."""
    kind = snapshot["report"]["kind"]
    points = snapshot.get("trend") or []
    height = 270
    left, right = PAD + 44, WIDTH - PAD - 40
    top, bottom = 52, height - 44
    span = bottom - top
    body, _y = _legend(
        [(RATE_COLOUR, _("Completion rate")), (OVERDUE_FILL, _("Overdue tasks"))],
        PAD + 12,
    )

    def rate_y(rate: float) -> float:
        return bottom - span * max(0.0, min(float(rate), 100.0)) / 100

    for tick in (0, 25, 50, 75, 100):
        y = rate_y(tick)
        body.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            _text(left - 6, y + 4, format_percent(tick), size=SMALL, anchor="end")
        )
    overdue_top = _ceiling(
        max([p["summary"].get("overdue") or 0 for p in points] or [0])
    )
    for value, y in ((overdue_top, top), (0, bottom)):
        body.append(
            _text(right + 6, y + 4, format_int(value), size=SMALL, fill=OVERDUE_INK)
        )

    step = (right - left) / max(len(points), 1)
    bar = min(36.0, step * 0.4)
    line, marks, described = [], [], []
    for i, point in enumerate(points):
        summary = point["summary"]
        x = left + step * (i + 0.5)
        overdue = summary.get("overdue") or 0
        rate = summary.get("completion_rate")
        if overdue:
            h = span * overdue / overdue_top
            body.append(_rect(x - bar / 2, bottom - h, bar, h, OVERDUE_FILL))
        body.append(
            _text(
                x,
                bottom - 4,
                format_int(overdue),
                size=SMALL,
                fill=OVERDUE_INK,
                anchor="middle",
            )
        )
        if rate is not None:
            y = rate_y(rate)
            line.append(f"{_n(x)},{_n(y)}")
            marks.append(
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{RATE_COLOUR}"/>'
            )
            marks.append(
                _text(
                    x,
                    y - 8,
                    format_percent(rate),
                    size=SMALL,
                    fill=RATE_COLOUR,
                    anchor="middle",
                    weight=True,
                )
            )
        label = format_short_period(kind, point["period_start"], point["period_end"])
        body.append(_text(x, bottom + 18, label, size=SMALL, anchor="middle"))
        described.append(
            _("%(period)s: completion rate %(rate)s, %(overdue)s overdue")
            % {
                "period": format_period(
                    kind, point["period_start"], point["period_end"]
                ),
                "rate": format_percent(rate),
                "overdue": format_int(overdue),
            }
        )
    if len(line) > 1:
        body.append(
            f'<polyline points="{" ".join(line)}" fill="none" '
            f'stroke="{RATE_COLOUR}" stroke-width="2"/>'
        )
    if len(points) == 1:
        intro = _("The completion rate and the number of overdue tasks in this report.")
    else:
        intro = _(
            "The completion rate and the number of overdue tasks in the last "
            "%(count)s reports of this kind, oldest first."
        ) % {"count": len(points)}
    if not points:
        described.append(_("No reports yet."))
    separator = pgettext("clause separator", "; ")
    desc = intro + " " + separator.join(described)
    return _svg("chart-trend", WIDTH, height, _trend_title(kind), desc, body + marks)
