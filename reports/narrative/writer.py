"""The parts of the opening summary's sentences: each figure with its source
and the text it is written as, the names quoted, and the writer that collects
them while a sentence is put together. See reports/narrative/__init__.py."""

from __future__ import annotations

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
from reports.render.formatting import format_period, join_list

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


class Writer:
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
        text = format_date(value) if year else short_day(value)
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


def short_day(value) -> str:
    day = to_date(value)
    if is_chinese():
        return f"{day.month}月{day.day}日"
    return format_date(day).rsplit(" ", 1)[0]


def task_name(w: Writer, code: str, title: str) -> str:
    """NY-01川渝1000千伏特高压交流工程 → “title”（NY-01）; English: NY-01 “title”."""
    return _("“%(title)s” (%(code)s)") % {"title": w.term(title), "code": w.term(code)}
