"""Numbers, dates, periods and code labels as a report shows them.

Chinese (the default) follows the conventions of official documents:
2026年11月22日, 2026年11月16日—11月22日, 43.5%; English reads 22 Nov 2026,
16–22 Nov 2026. The format is chosen by the active language, so every
function here is called inside `translation.override(language)`. Times are
always shown in Beijing time, whatever time zone a request activated.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Choices
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.choices import ReportKind, ScopeKind
from reports.periods import period_containing
from tracker.choices import (
    Direction,
    EvaluationResult,
    ExtensionStatus,
    Light,
    Priority,
    TaskList,
    TaskStatus,
)

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
ZH_QUARTERS = ("一", "二", "三", "四")


def is_chinese(language: str | None = None) -> bool:
    return (language or translation.get_language() or "").lower().startswith("zh")


@cache
def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


# --- parsing the snapshot's JSON values -----------------------------------------


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


def to_decimal(value) -> Decimal | None:
    """The snapshot keeps decimals as exact strings ("360", "1.5")."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# --- numbers ----------------------------------------------------------------------


def format_int(value) -> str:
    if value is None or value == "":
        return MISSING
    return f"{int(value):,}"


def format_number(value) -> str:
    """A decimal (or its string) with thousands separators and the digits it has."""
    number = to_decimal(value)
    if number is None:
        return MISSING
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,}"


def _short_float(value: float) -> str:
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def format_percent(value) -> str:
    """43.5 → "43.5%" (the snapshot keeps rates as percentages, one decimal)."""
    if value is None or value == "":
        return MISSING
    return f"{_short_float(float(value))}%"


def format_signed(value) -> str:
    """A change: +3, −2 (a real minus sign), 0."""
    if value is None:
        return MISSING
    number = float(value)
    text = _short_float(abs(number)) if isinstance(value, float) else f"{abs(value):,}"
    if number > 0:
        return f"+{text}"
    if number < 0:
        return f"−{text}"
    return "0"


def format_points(value) -> str:
    """A change of a rate, in percentage points."""
    if value is None:
        return MISSING
    return _("%(value)s percentage points") % {"value": format_signed(float(value))}


# --- dates --------------------------------------------------------------------------


def format_date(value) -> str:
    day = to_date(value)
    if day is None:
        return MISSING
    if is_chinese():
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {EN_MONTHS[day.month - 1][:3]} {day.year}"


def format_short_date(value) -> str:
    """A day without its year, for chart axes: 11月22日, 22 Nov."""
    day = to_date(value)
    if day is None:
        return MISSING
    if is_chinese():
        return f"{day.month}月{day.day}日"
    return f"{day.day} {EN_MONTHS[day.month - 1][:3]}"


def format_datetime(value) -> str:
    moment = to_datetime(value)
    if moment is None:
        return MISSING
    return f"{format_date(moment.date())} {moment:%H:%M}"


def format_month(value) -> str:
    day = to_date(value)
    if is_chinese():
        return f"{day.year}年{day.month}月"
    return f"{EN_MONTHS[day.month - 1]} {day.year}"


def format_quarter(value) -> str:
    day = to_date(value)
    quarter = (day.month - 1) // 3
    if is_chinese():
        return f"{day.year}年第{ZH_QUARTERS[quarter]}季度"
    return f"Q{quarter + 1} {day.year}"


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


def _period_name(kind: str, first: dt.date, last: dt.date) -> str | None:
    """The name of a whole calendar month or quarter (2026年10月, 2026年第三季度),
    or None for any other span."""
    names = {ReportKind.MONTHLY: format_month, ReportKind.QUARTERLY: format_quarter}
    if kind in names and period_containing(kind, first) == (first, last):
        return names[kind](first)
    return None


def format_period(kind: str, start, end) -> str:
    """A report's period: a whole month or quarter by its name, else the span."""
    first, last = to_date(start), to_date(end)
    return _period_name(kind, first, last) or format_range(first, last)


def format_short_period(kind: str, start, end) -> str:
    """A period as a chart axis label: the month, quarter or the week's last day."""
    first, last = to_date(start), to_date(end)
    return _period_name(kind, first, last) or format_short_date(last)


def join_list(items) -> str:
    """Names joined as a list: 川、渝 in Chinese, 川, 渝 in English."""
    return pgettext("list separator", ", ").join(str(i) for i in items if i)


# --- code labels ----------------------------------------------------------------------


def _label(choices: type[Choices], code) -> str:
    if code is None or code == "":
        return MISSING
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


def status_label(code) -> str:
    return _label(TaskStatus, code)


def light_label(code) -> str:
    return _label(Light, code or Light.NONE)


def task_list_label(code) -> str:
    return _label(TaskList, code)


def priority_label(code) -> str:
    return _label(Priority, code)


def direction_label(code) -> str:
    return _label(Direction, code)


def extension_status_label(code) -> str:
    return _label(ExtensionStatus, code)


def evaluation_label(code) -> str:
    if not code:
        return _("not yet evaluated")
    return _label(EvaluationResult, code)


def kind_label(code) -> str:
    return _label(ReportKind, code)


def scope_label(code) -> str:
    return _label(ScopeKind, code)


def party_label(name) -> str:
    """The party of a milestone or indicator; none means every party together."""
    return name or pgettext("owned by every party", "joint")


def owners_text(owners) -> str:
    """川：单位（联系人 电话）；渝：…"""
    parts = []
    for owner in owners or []:
        contact = " ".join(v for v in (owner.get("contact"), owner.get("phone")) if v)
        parts.append(
            (
                _("%(party)s: %(agency)s (%(contact)s)")
                if contact
                else _("%(party)s: %(agency)s")
            )
            % {
                "party": owner.get("party") or MISSING,
                "agency": owner.get("agency") or MISSING,
                "contact": contact,
            }
        )
    return pgettext("clause separator", "; ").join(parts)


# --- text measure (for laying out charts and columns) --------------------------


def text_width(text: str, size: float = 1.0) -> float:
    """The rough width of a line of text, a wide (CJK) character counting 1 em."""
    width = 0.0
    for char in str(text):
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        width += 1.0 if wide else 0.58
    return width * size
