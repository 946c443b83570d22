"""Numbers, dates and the measure of text, as the charts write them, and the
reports and pages beside them.

Chinese (the default) follows the conventions of official documents:
2026年11月22日, 2026年11月16日—11月22日, 43.5%; English reads 22 Nov 2026,
16–22 Nov 2026. The format is chosen by the active language, so every
function here is called inside `translation.override(language)`. Times are
always shown in Beijing time, whatever time zone a request activated.

The reports write the same figures in their tables with these functions (see
reports.render.formatting, which adds the names of report periods and codes),
so a number in a chart and the same number beside it never differ.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation

MISSING = "—"
# English month names, not the C library's: the locale of a worker is unknown.
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def is_chinese(language: str | None = None) -> bool:
    return (language or translation.get_language() or "").lower().startswith("zh")


@cache
def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


# --- parsing values that may come as JSON text ----------------------------------


def to_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return to_datetime(value).date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def to_datetime(value) -> dt.datetime | None:
    """An aware datetime in Beijing time (naive values are taken as Beijing time)."""
    if value is None or value == "":
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(str(value))
    if value.tzinfo is None:
        return value.replace(tzinfo=local_zone())
    return value.astimezone(local_zone())


# --- numbers ----------------------------------------------------------------------


def plain_number(value: Decimal | None) -> str | None:
    """A decimal as the shortest exact text people write: 360.0000 → "360",
    1.5000 → "1.5" (no trailing zeros, no exponent, no separators). The same
    text on the task page and in a report's frozen snapshot."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_int(value) -> str:
    if value is None or value == "":
        return MISSING
    return f"{int(value):,}"


def short_float(value: float) -> str:
    """A float with one decimal, none when it is whole: 43.5, 40, 1,234.5."""
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def format_percent(value) -> str:
    """43.5 → "43.5%" (rates are kept as percentages, one decimal)."""
    if value is None or value == "":
        return MISSING
    return f"{short_float(float(value))}%"


# --- dates --------------------------------------------------------------------------


def format_date(value) -> str:
    return _day(value, year=True)


def format_short_date(value) -> str:
    """A day without its year, for chart axes: 11月22日, 22 Nov."""
    return _day(value, year=False)


def _day(value, *, year: bool) -> str:
    day = to_date(value)
    if day is None:
        return MISSING
    if is_chinese():
        text = f"{day.month}月{day.day}日"
        return f"{day.year}年{text}" if year else text
    text = f"{day.day} {EN_MONTHS[day.month - 1][:3]}"
    return f"{text} {day.year}" if year else text


def format_range(start, end) -> str:
    """Two days as one span, the shared year (and month) written once."""
    first, last = to_date(start), to_date(end)
    if first == last:
        return format_date(first)
    if is_chinese():
        if first.year == last.year:
            return f"{format_date(first)}—{last.month}月{last.day}日"
        return f"{format_date(first)}—{format_date(last)}"
    months = [name[:3] for name in EN_MONTHS]
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {months[last.month - 1]} {last.year}"
    if first.year == last.year:
        return (
            f"{first.day} {months[first.month - 1]} – "
            f"{last.day} {months[last.month - 1]} {last.year}"
        )
    return f"{format_date(first)} – {format_date(last)}"


# --- text measure (for laying out charts and columns) --------------------------


def text_width(text: str, size: float = 1.0) -> float:
    """The rough width of a line of text, a wide (CJK) character counting 1 em."""
    width = 0.0
    for char in str(text):
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        width += 1.0 if wide else 0.58
    return width * size
