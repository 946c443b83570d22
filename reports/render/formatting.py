"""Numbers, dates, periods and code labels as a report shows them.

The numbers and dates themselves are written as the charts write them
(charts.formatting: official-document Chinese by default, English when that
is the active language, Beijing time); this module adds what is the
report's own: the names of its periods, its decimals and changes, and the
labels of codes. Every function is called inside
`translation.override(language)`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db.models import Choices
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# The reports' templates, tables and workbook read these here too.
from charts.formatting import (  # noqa: F401
    EN_MONTHS,
    MISSING,
    format_date,
    format_int,
    format_percent,
    format_range,
    format_short_date,
    is_chinese,
    short_float,
    text_width,
    to_date,
    to_datetime,
)
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
from tracker.lights import reason_text

ZH_QUARTERS = ("一", "二", "三", "四")


# --- parsing the snapshot's JSON values -----------------------------------------


def to_decimal(value) -> Decimal | None:
    """The snapshot keeps decimals as exact strings ("360", "1.5")."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# --- numbers ----------------------------------------------------------------------


def format_number(value) -> str:
    """A decimal (or its string) with thousands separators and the digits it has."""
    number = to_decimal(value)
    if number is None:
        return MISSING
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,}"


def format_signed(value) -> str:
    """A change: +3, −2 (a real minus sign), 0."""
    if value is None:
        return MISSING
    number = float(value)
    text = short_float(abs(number)) if isinstance(value, float) else f"{abs(value):,}"
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


def light_reason(item) -> str:
    """The light's reason of a snapshot's task row, in words (tracker.lights);
    "" for a snapshot taken before lights carried their reason."""
    return reason_text(item.get("reason"))


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


def party_progress_text(owners) -> str:
    """川40%；渝60%: each party's own progress on a joint item ("" for an item
    of one party, or a snapshot from before parties reported apart)."""
    owners = owners or []
    if len(owners) < 2 or any(o.get("progress") is None for o in owners):
        return ""
    return pgettext("clause separator", "; ").join(
        f"{o.get('party') or MISSING}{format_percent(o['progress'])}" for o in owners
    )


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
