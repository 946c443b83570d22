"""The task charts the reports and the leadership overview draw: tasks by
status or by light in each group (work stream, party), and the completion
trend across reports. Each takes plain rows, never a report or a queryset."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from tracker.choices import Light, TaskStatus

from .formatting import format_int, format_percent
from .svg import (
    GRID,
    INK,
    PAD,
    SMALL,
    WIDTH,
    Category,
    legend,
    n,
    rect,
    stacked_bars,
    svg,
    text,
)

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
    Light.CLOSED: ("#52606d", "#ffffff"),
    Light.NONE: ("#cbd2d9", INK),
}
RATE_COLOUR = "#2f6fb3"
OVERDUE_FILL, OVERDUE_INK = "#f4c7c3", "#8a1c14"

# A group's name and its counts by status or light code.
Rows = Sequence[tuple[str, Mapping[str, int]]]


def status_categories() -> list[Category]:
    return [
        Category(code, str(label), *STATUS_COLOURS[code])
        for code, label in TaskStatus.choices
    ]


def light_categories() -> list[Category]:
    return [
        Category(code, str(label), *LIGHT_COLOURS[code])
        for code, label in Light.choices
    ]


class Bars(NamedTuple):
    """A chart of tasks counted by status or light in each group."""

    ident: str
    title: str
    intro: str
    categories: Callable[[], list[Category]]
    # False where groups share tasks (a joint task counts for each party).
    totals: bool = True


STATUS_BY_WORK_STREAM = Bars(
    "chart-status",
    gettext_lazy("Tasks by status in each work stream"),
    gettext_lazy("Each bar is a work stream; its parts count the tasks by status."),
    status_categories,
)
LIGHTS_BY_WORK_STREAM = Bars(
    "chart-stream-lights",
    gettext_lazy("Status lights of the tasks in each work stream"),
    gettext_lazy(
        "Each bar is a work stream; its parts count its tasks by status light."
    ),
    light_categories,
)
LIGHTS_BY_PARTY = Bars(
    "chart-lights",
    gettext_lazy("Status lights of each party's tasks"),
    gettext_lazy("Each bar is a party; its parts count its tasks by status light."),
    light_categories,
    totals=False,
)


def bars(chart: Bars, rows: Rows) -> str:
    return stacked_bars(
        ident=chart.ident,
        title=str(chart.title),
        intro=str(chart.intro),
        rows=rows,
        categories=chart.categories(),
        empty=_("no tasks"),
        totals=chart.totals,
    )


class TrendPoint(NamedTuple):
    """One report on the trend: `label` names its period under the axis
    (11月22日, 2026年10月), `period` in full for the description."""

    label: str
    period: str
    completion_rate: float | None
    overdue: int


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


def completion_trend(
    *, points: Sequence[TrendPoint], title: str, ident: str = "chart-trend"
) -> str:
    """Completion rate (line, left axis) and overdue tasks (bars, right axis)
    across reports of one kind, oldest first; one point is fine."""
    height = 270
    left, right = PAD + 44, WIDTH - PAD - 40
    top, bottom = 52, height - 44
    span = bottom - top
    body, _y = legend(
        [(RATE_COLOUR, _("Completion rate")), (OVERDUE_FILL, _("Overdue tasks"))],
        PAD + 12,
    )

    def rate_y(rate: float) -> float:
        return bottom - span * max(0.0, min(float(rate), 100.0)) / 100

    for tick in (0, 25, 50, 75, 100):
        y = rate_y(tick)
        body.append(
            f'<line x1="{n(left)}" y1="{n(y)}" x2="{n(right)}" y2="{n(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            text(left - 6, y + 4, format_percent(tick), size=SMALL, anchor="end")
        )
    overdue_top = _ceiling(max([p.overdue for p in points] or [0]))
    for value, y in ((overdue_top, top), (0, bottom)):
        body.append(
            text(right + 6, y + 4, format_int(value), size=SMALL, fill=OVERDUE_INK)
        )

    step = (right - left) / max(len(points), 1)
    bar = min(36.0, step * 0.4)
    line, marks, described = [], [], []
    for i, point in enumerate(points):
        x = left + step * (i + 0.5)
        overdue, rate = point.overdue, point.completion_rate
        if overdue:
            h = span * overdue / overdue_top
            body.append(rect(x - bar / 2, bottom - h, bar, h, OVERDUE_FILL))
        body.append(
            text(
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
            line.append(f"{n(x)},{n(y)}")
            marks.append(
                f'<circle cx="{n(x)}" cy="{n(y)}" r="4" fill="{RATE_COLOUR}"/>'
            )
            marks.append(
                text(
                    x,
                    y - 8,
                    format_percent(rate),
                    size=SMALL,
                    fill=RATE_COLOUR,
                    anchor="middle",
                    weight=True,
                )
            )
        body.append(text(x, bottom + 18, point.label, size=SMALL, anchor="middle"))
        described.append(
            _("%(period)s: completion rate %(rate)s, %(overdue)s overdue")
            % {
                "period": point.period,
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
    return svg(ident, WIDTH, height, title, desc, body + marks)
