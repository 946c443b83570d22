"""Cell values to typed values, and names to the rows they name (parties,
agencies, work streams, choices), for one initiative."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Party
from tracker.choices import Direction, Priority, TaskList, TaskStatus
from tracker.models import Initiative, WorkStream

from .columns import Column, Source, Type, fold

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class CellError(Exception):
    def __init__(self, message, **params):
        self.message = message
        self.params = params


def blank(value) -> bool:
    return value is None or value == ""


def text(value, column: Column, max_length: int | None = None) -> str:
    if blank(value):
        return ""
    if isinstance(value, bool):
        raise CellError(_("Expected text, found a true/false value."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.date):
        value = value.isoformat()
    value = str(value).strip()
    if max_length is not None and len(value) > max_length:
        raise CellError(_("Too long: at most %(limit)s characters."), limit=max_length)
    return value


def date(value) -> dt.date | None:
    if blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(
            _(
                "Expected a date, found the number %(value)s: format the cell as a date."
            ),
            value=value,
        )
    if isinstance(value, str):
        candidate = re.sub(r"\s+", "", value)
        for pattern in DATE_FORMATS:
            try:
                return dt.datetime.strptime(candidate, pattern).date()
            except ValueError:
                continue
        # Excel's timestamps as text ("2025-12-31 00:00:00").
        try:
            return dt.datetime.fromisoformat(value).date()
        except ValueError:
            pass
    raise CellError(
        _("“%(value)s” is not a date: write it as 2025-12-31."), value=value
    )


def integer(value) -> int | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("Expected a whole number, found a true/false value."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise CellError(_("“%(value)s” is not a whole number."), value=value)


def decimal(value) -> Decimal | None:
    if blank(value):
        return None
    if isinstance(value, (bool, dt.date, dt.datetime)):
        raise CellError(_("“%(value)s” is not a number."), value=value)
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise CellError(_("“%(value)s” is not a number."), value=value) from exc
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number."), value=value)
    return number.quantize(Decimal("0.0001"))


def typed(value, column: Column):
    if column.type == Type.DATE:
        return date(value)
    if column.type == Type.INTEGER:
        return integer(value)
    if column.type == Type.DECIMAL:
        return decimal(value)
    return text(value, column)


def _choice_names(choices) -> dict[str, object]:
    names = {}
    for value, label in choices.choices:
        names[fold(str(value))] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names[fold(str(label))] = value
    return names


# The template's Chinese words for priority (the model's labels are 高/普通/低
# or similar; the clerk's 中 is accepted too).
PRIORITY_EXTRA = {"中": Priority.NORMAL, "一般": Priority.NORMAL}


class Lookups:
    """What the names in a file may refer to, for one initiative."""

    def __init__(self, initiative: Initiative):
        self.initiative = initiative
        participations = initiative.participations.select_related("party")
        self.parties: list[Party] = [p.party for p in participations]
        self.party_names: dict[str, Party] = {}
        for party in self.parties:
            for name in (party.name, party.short_name, party.code):
                if name:
                    self.party_names[fold(name)] = party
        self.agencies: dict[tuple[int, str], Agency] = {}
        self.agency_party: dict[str, Party] = {}
        for agency in Agency.objects.filter(party__in=self.parties).select_related(
            "party"
        ):
            for name in (agency.name, agency.short_name):
                if name:
                    self.agencies[(agency.party_id, fold(name))] = agency
                    self.agency_party.setdefault(fold(name), agency.party)
        self.work_streams: list[WorkStream] = list(initiative.work_streams.all())
        self.stream_names = {}
        for stream in self.work_streams:
            self.stream_names[fold(stream.code)] = stream
            self.stream_names[fold(stream.name)] = stream
        self.choices = {
            Source.TASK_LISTS: _choice_names(TaskList),
            Source.STATUSES: _choice_names(TaskStatus),
            Source.PRIORITIES: _choice_names(Priority)
            | {fold(k): v for k, v in PRIORITY_EXTRA.items()},
            Source.DIRECTIONS: _choice_names(Direction),
        }

    def party(self, value) -> Party | None:
        if blank(value):
            return None
        party = self.party_names.get(fold(str(value)))
        if party is None:
            raise CellError(
                _(
                    "Unknown party “%(value)s”: it does not take part in %(initiative)s."
                ),
                value=value,
                initiative=self.initiative.name,
            )
        return party

    def agency(self, value, party: Party | None) -> Agency | None:
        if blank(value):
            return None
        if party is not None:
            agency = self.agencies.get((party.pk, fold(str(value))))
            if agency is not None:
                return agency
            other = self.agency_party.get(fold(str(value)))
            if other is not None:
                raise CellError(
                    _("The agency “%(value)s” belongs to %(party)s, not %(own)s."),
                    value=value,
                    party=other.name,
                    own=party.name,
                )
        raise CellError(_("Unknown agency “%(value)s”."), value=value)

    def work_stream(self, value) -> WorkStream | None:
        if blank(value):
            return None
        stream = self.stream_names.get(fold(str(value)))
        if stream is None:
            raise CellError(
                _("Unknown work stream “%(value)s”."),
                value=value,
            )
        return stream

    def choice(self, value, source: str):
        if blank(value):
            return None
        found = self.choices[source].get(fold(str(value)))
        if found is None and isinstance(value, (int, float)):
            found = self.choices[source].get(fold(str(int(value))))
        if found is None:
            raise CellError(_("“%(value)s” is not one of the choices."), value=value)
        return found

    def labels(self, source: str) -> list[str]:
        """The drop-down list of `source`, in the current language."""
        if source == Source.PARTIES:
            return [p.name for p in self.parties]
        if source == Source.AGENCIES:
            return sorted({a.name for a in self.agencies.values()})
        if source == Source.WORK_STREAMS:
            return [s.name for s in self.work_streams]
        enum = {
            Source.TASK_LISTS: TaskList,
            Source.STATUSES: TaskStatus,
            Source.PRIORITIES: Priority,
            Source.DIRECTIONS: Direction,
        }[source]
        return [str(label) for label in enum.labels]
