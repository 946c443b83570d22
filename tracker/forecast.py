"""A forecast finish date for an open item, from its own history.

The rule, in the one line leadership reads (RULE, also on the item page's
tooltip and in the README):

    the later of (a) the day the slowest party reaches 100 % at the pace of its
    last few progress reports and (b) the due date plus the median delay of the
    item's completed milestones, never before today; each extension granted
    lowers the confidence by a step.

Pure arithmetic on plain values: tracker.selectors.forecast gathers the
history as of any instant, tracker.services.forecast stores today's answer,
the reports' snapshot and bench/forecast_backtest.py replay it as of the past.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .choices import Confidence

RULE = _(
    "Forecast finish: the later of the day the slowest party reaches 100 % at the "
    "pace of its last few progress reports, and the due date plus the median delay "
    "of the item's completed milestones (never before today); each extension "
    "granted lowers the confidence by a step."
)
# How many of a party's latest reports set its pace.
PACE_REPORTS = 5
# A pace measured over fewer days than this says nothing.
PACE_MIN_DAYS = 7
# A pace from this many reports over at least this many days is trusted most.
TRUSTED_REPORTS, TRUSTED_DAYS = 3, 30
# A forecast later than the due date by more than this flags the item.
RISK_DAYS = 14
_STEPS = (Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW)


@dataclass(frozen=True)
class History:
    """What the forecast of one item reads, as of `today`."""

    today: dt.date
    due_date: dt.date  # the due date then (after extensions granted by then)
    # Each owner party's reports, oldest first: (day, progress of its part).
    parts: Sequence[Sequence[tuple[dt.date, int]]]
    # Completed milestones: (due date, day completed).
    milestones: Sequence[tuple[dt.date, dt.date]] = ()
    extensions: int = 0  # extensions granted by then


@dataclass(frozen=True)
class Forecast:
    forecast_date: dt.date
    due_date: dt.date
    slip_days: int
    at_risk: bool
    confidence: str
    pace_date: dt.date | None
    milestone_delay_days: int
    extensions: int

    def as_json(self, **extra) -> dict:
        return {
            **extra,
            "due_date": self.due_date.isoformat(),
            "forecast_date": self.forecast_date.isoformat(),
            "slip_days": self.slip_days,
            "at_risk": self.at_risk,
            "confidence": str(self.confidence),
        }


def _pace_date(reports: Sequence[tuple[dt.date, int]], today: dt.date):
    """(day the part reaches 100 % at its recent pace, whether the pace is
    trusted); (None, False) when its reports give no pace."""
    if reports and reports[-1][1] >= 100:
        return reports[-1][0], True
    recent = list(reports)[-PACE_REPORTS:]
    if len(recent) < 2:
        return None, False
    (first_day, first), (last_day, last) = recent[0], recent[-1]
    days = (last_day - first_day).days
    if days < PACE_MIN_DAYS or last <= first:
        return None, False
    per_day = (last - first) / days
    reached = last_day + dt.timedelta(days=math.ceil((100 - last) / per_day))
    return reached, len(recent) >= TRUSTED_REPORTS and days >= TRUSTED_DAYS


def median_delay(milestones: Iterable[tuple[dt.date, dt.date]]) -> int:
    """The median of the completed milestones' days late (early counts as 0)."""
    delays = [max(0, (done - due).days) for due, done in milestones]
    return int(statistics.median(delays)) if delays else 0


def forecast(history: History) -> Forecast:
    """The item's forecast by RULE."""
    paces = [_pace_date(reports, history.today) for reports in history.parts]
    known = [day for day, _trusted in paces if day is not None]
    # The item is done when its slowest party is: a party without a pace
    # leaves the pace date unknown.
    pace = max(known) if known and len(known) == len(paces) else None
    delay = median_delay(history.milestones)
    candidates = [history.due_date + dt.timedelta(days=delay), history.today]
    if pace is not None:
        candidates.append(pace)
    finish = max(candidates)
    if pace is None:
        step = 2
    elif all(trusted for _day, trusted in paces):
        step = 0
    else:
        step = 1
    step = min(2, step + history.extensions)
    slip = (finish - history.due_date).days
    return Forecast(
        forecast_date=finish,
        due_date=history.due_date,
        slip_days=slip,
        at_risk=slip > RISK_DAYS,
        confidence=_STEPS[step],
        pace_date=pace,
        milestone_delay_days=delay,
        extensions=history.extensions,
    )


CONFIDENCE_WORDS = {
    Confidence.HIGH: _("high confidence"),
    Confidence.MEDIUM: _("medium confidence"),
    Confidence.LOW: _("low confidence: little history yet"),
}


def _month(day: dt.date) -> str:
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def forecast_text(*, forecast_date: dt.date, slip_days: int) -> str:
    """“按当前进度预计 2027年3月 完成，较计划晚约 2 个月” in the active language."""
    values = {"month": _month(forecast_date)}
    if slip_days <= 0:
        return _("At the current pace, expected to finish in %(month)s, on time") % (
            values
        )
    if slip_days < 45:
        values["count"] = max(1, round(slip_days / 7))
        return (
            ngettext(
                "At the current pace, expected to finish in %(month)s, "
                "about %(count)s week late",
                "At the current pace, expected to finish in %(month)s, "
                "about %(count)s weeks late",
                values["count"],
            )
            % values
        )
    values["count"] = round(slip_days / 30.4)
    return (
        ngettext(
            "At the current pace, expected to finish in %(month)s, "
            "about %(count)s month late",
            "At the current pace, expected to finish in %(month)s, "
            "about %(count)s months late",
            values["count"],
        )
        % values
    )
