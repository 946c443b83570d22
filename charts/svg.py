"""The drawing: SVG text with no script, the same in a browser, an e-mail and
a PDF (WeasyPrint draws inline SVG itself).

Colour is never the only carrier: every segment and point has its number
written next to it, every bar a line of text naming its parts, and the
`<desc>` says all of it for a screen reader. Presentation attributes
(`fill=`) rather than `style=`, so the pages' Content-Security-Policy and the
"no inline style" rule of the report body both hold. Every text drawn is
escaped here, so a chart is safe to embed in a page as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .formatting import format_int, text_width

FONT = "'Noto Sans CJK SC', sans-serif"
INK = "#1f2933"
MUTED = "#52606d"
GRID = "#d9e2ec"
WIDTH = 680
PAD = 12
SIZE = 12
SMALL = 11


class Category(NamedTuple):
    """One part of a stacked bar: the key of its count, its name and colours
    (the fill, and the ink of a number written on the fill)."""

    code: str
    label: str
    fill: str
    ink: str


def n(value: float) -> str:
    """A coordinate, short and stable."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def text(x, y, content, *, size=SIZE, fill=INK, anchor="start", weight=None) -> str:
    bold = ' font-weight="bold"' if weight else ""
    return (
        f'<text x="{n(x)}" y="{n(y)}" font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}"{bold}>{escape(str(content))}</text>'
    )


def rect(x, y, w, h, fill, *, stroke=None, tooltip=None) -> str:
    line = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    inner = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    return (
        f'<rect x="{n(x)}" y="{n(y)}" width="{n(w)}" height="{n(h)}" '
        f'fill="{fill}"{line}>{inner}</rect>'
    )


def svg(ident: str, width: float, height: float, title: str, desc: str, body) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {n(width)} {n(height)}" width="{n(width)}" '
        f'height="{n(height)}" aria-labelledby="{ident}-title {ident}-desc" '
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


def counted(label: str, count) -> str:
    return pgettext("chart: a category and its count", "%(label)s %(count)s") % {
        "label": label,
        "count": format_int(count),
    }


def legend(items, y: float) -> tuple[list[str], float]:
    """Swatches with their labels, wrapped to the width; returns the next free y."""
    parts, x = [], PAD
    for fill, label in items:
        room = 14 + text_width(label, SIZE) + 18
        if x + room > WIDTH - PAD and x > PAD:
            x, y = PAD, y + 20
        parts.append(rect(x, y - 10, 12, 12, fill, stroke=MUTED))
        parts.append(text(x + 17, y, label))
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
    rows: Sequence[tuple[str, Mapping[str, int]]],
    categories: Sequence[Category],
    empty: str,
    totals: bool = True,
) -> str:
    """Horizontal stacked bars: rows are (label, {code: count}); categories
    are the segments, in their order. `totals` adds each category's sum to the
    legend (not for rows that share items, like the parties of joint tasks)."""
    legend_items = [
        (
            fill,
            counted(label, sum(counts.get(code, 0) for _, counts in rows))
            if totals
            else label,
        )
        for code, label, fill, _ink in categories
    ]
    body, y = legend(legend_items, PAD + 12)
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
            counted(name, counts[code])
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
            + text(PAD, y + 13, _clip(label, label_room - 8, SIZE))
            + "</g>"
        )
        x = x0
        if not total:
            body.append(rect(x0, y, bar_room, 18, "#ffffff", stroke=GRID))
        for code, name, fill, ink in categories:
            count = counts.get(code, 0)
            if not count:
                continue
            width = bar_room * count / biggest
            body.append(rect(x, y, width, 18, fill, tooltip=counted(name, count)))
            number = format_int(count)
            if width >= text_width(number, SMALL) + 6:
                body.append(text(x + width / 2, y + 13, number, size=SMALL, fill=ink))
            x += width
        body.append(text(x + 6, y + 13, format_int(total), weight=True))
        for line in _wrap(detail, WIDTH - x0 - PAD, SMALL):
            y += 15
            body.append(text(x0, y + 16, line, size=SMALL, fill=MUTED))
        y += 30
    desc = intro + " " + separator.join(described)
    return svg(ident, WIDTH, y + PAD, title, desc, body)
