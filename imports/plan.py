"""What a file would do: each item, owner, milestone and indicator of it
checked and compared with the task list, keyed by the item's code (and, under
an item, by party, milestone title or indicator name).

A column the sheet does not have leaves that field alone; a column it has,
left empty, means the field's empty or default value."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from tracker.choices import Direction, Priority, TaskStatus
from tracker.models import Initiative, Task
from tracker.workflow import CLOSED_STATES

from .columns import INDICATORS, ITEMS, MILESTONES, OWNERS, SHEETS, Column
from .parse import CellError, Lookups, blank, typed
from .problems import Problem
from .reader import Book, Row

CREATE, CHANGE, UNCHANGED = "create", "change", "unchanged"
NEW_ITEM_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)
MAX_LENGTHS = {
    (ITEMS, "code"): 32,
    (ITEMS, "title"): 200,
    (OWNERS, "contact_name"): 64,
    (OWNERS, "contact_phone"): 32,
    (MILESTONES, "title"): 200,
    (INDICATORS, "name"): 128,
    (INDICATORS, "unit"): 32,
}


@dataclass
class Entry:
    """One row's effect: create, change (with old → new) or nothing."""

    sheet: str
    row: int
    key: str
    action: str = CREATE
    values: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)  # key → (old, new)
    existing: object = None
    item: Entry | None = None  # for rows under an item

    def as_dict(self) -> dict:
        columns = {c.key: c for c in SHEETS[self.sheet]}
        return {
            "sheet": self.sheet,
            "row": self.row,
            "key": self.key,
            "action": self.action,
            "changes": [
                {
                    "column_zh": columns[key].zh,
                    "column_en": columns[key].en,
                    "old": shown(old),
                    "new": shown(new),
                }
                for key, (old, new) in self.changes.items()
            ],
        }


def shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "name"):
        return value.name
    if hasattr(value, "label"):
        return str(value.label)
    return str(value)


@dataclass
class Plan:
    items: list[Entry] = field(default_factory=list)
    owners: list[Entry] = field(default_factory=list)
    milestones: list[Entry] = field(default_factory=list)
    indicators: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        return [*self.items, *self.owners, *self.milestones, *self.indicators]

    def summary(self) -> dict:
        counts = {CREATE: 0, CHANGE: 0, UNCHANGED: 0}
        for entry in self.entries:
            counts[entry.action] += 1
        return counts

    def preview(self) -> dict:
        out = {CREATE: [], CHANGE: [], UNCHANGED: []}
        for entry in self.entries:
            out[entry.action].append(entry.as_dict())
        return out


class Planner:
    def __init__(self, initiative: Initiative, book: Book, progress=None):
        self.initiative = initiative
        self.book = book
        self.lookups = Lookups(initiative)
        self.plan = Plan(problems=list(book.problems))
        self.progress = progress or (lambda done: None)
        self.done = 0
        codes = {
            str(r.cells.get("code") or r.cells.get("task") or "").strip()
            for rows in book.sheets.values()
            for r in rows
        }
        self.tasks = {
            t.code: t
            for t in Task.objects.filter(initiative=initiative, code__in=codes)
            .select_related("work_stream", "lead_party")
            .prefetch_related(
                "owners__party", "owners__agency", "milestones", "indicators__party"
            )
        }
        self.items: dict[str, Entry] = {}
        self.broken: set[str] = set()

    def problem(self, sheet, row, column, message, **params):
        self.plan.problems.append(Problem(sheet, row, column, message, params))

    def _tick(self):
        self.done += 1
        if self.done % 50 == 0:
            self.progress(self.done)

    def run(self) -> Plan:
        for row in self.book.sheets.get(ITEMS, []):
            self._item(row)
            self._tick()
        seen = set()
        for row in self.book.sheets.get(OWNERS, []):
            self._owner(row, seen)
            self._tick()
        for entry in self.items.values():
            if entry.action == CREATE and not any(
                o.item is entry for o in self.plan.owners
            ):
                self.problem(
                    ITEMS,
                    entry.row,
                    "code",
                    _(
                        "The new item %(code)s has no responsible agency: add its "
                        "rows to the sheet 责任单位."
                    ),
                    code=entry.key,
                )
        seen = set()
        for row in self.book.sheets.get(MILESTONES, []):
            self._milestone(row, seen)
            self._tick()
        seen = set()
        for row in self.book.sheets.get(INDICATORS, []):
            self._indicator(row, seen)
            self._tick()
        self.progress(self.done)
        return self.plan

    # --- reading a row ---------------------------------------------------------

    def _values(self, sheet: str, row: Row, party=None) -> dict | None:
        """The row's typed values (only the columns present), or None when a
        cell is wrong (each wrong cell reported)."""
        values, ok = {}, True
        for column in SHEETS[sheet]:
            if column.key not in row.cells:
                continue
            # An agency is looked up in its party: an unknown party says it.
            if (
                column.key == "agency"
                and "party" in row.cells
                and not ok
                and values.get("party") is None
            ):
                continue
            raw = row.cells[column.key]
            try:
                values[column.key] = self._typed(sheet, column, raw, values)
            except CellError as error:
                ok = False
                self.problem(
                    sheet, row.number, column.key, error.message, **error.params
                )
                continue
            if column.required and blank(values[column.key]):
                ok = False
                self.problem(
                    sheet,
                    row.number,
                    column.key,
                    _("This cell is required and is empty."),
                )
        return values if ok else None

    def _typed(self, sheet: str, column: Column, raw, values: dict):
        from .columns import Source

        if column.source == Source.PARTIES:
            return self.lookups.party(raw)
        if column.source == Source.AGENCIES:
            return self.lookups.agency(raw, values.get("party"))
        if column.source == Source.WORK_STREAMS:
            return self.lookups.work_stream(raw)
        if column.source is not None:
            return self.lookups.choice(raw, column.source)
        value = typed(raw, column)
        limit = MAX_LENGTHS.get((sheet, column.key))
        if limit and isinstance(value, str) and len(value) > limit:
            raise CellError(_("Too long: at most %(limit)s characters."), limit=limit)
        return value

    def _item_of(self, sheet: str, row: Row) -> Entry | None:
        code = str(row.cells.get("task") or "").strip()
        if not code:
            return None  # reported as required
        entry = self.items.get(code)
        if entry is None and code in self.broken:
            return None
        if entry is None:
            task = self.tasks.get(code)
            if task is None:
                self.problem(
                    sheet,
                    row.number,
                    "task",
                    _(
                        "Unknown item %(code)s: it is neither in the sheet 事项 nor "
                        "in the task list."
                    ),
                    code=code,
                )
                return None
            entry = Entry(ITEMS, 0, code, UNCHANGED, existing=task)
            self.items[code] = entry
        return entry

    # --- items -----------------------------------------------------------------

    def _item(self, row: Row) -> None:
        values = self._values(ITEMS, row)
        if values is None:
            # Its rows in the other sheets are not reported again as unknown.
            self.broken.add(str(row.cells.get("code") or "").strip())
            return
        code = values["code"]
        if code in self.items:
            self.problem(
                ITEMS,
                row.number,
                "code",
                _("Duplicate item code %(code)s (first on row %(first)s)."),
                code=code,
                first=self.items[code].row,
            )
            return
        task = self.tasks.get(code)
        entry = Entry(ITEMS, row.number, code, existing=task, values=values)
        self.items[code] = entry
        start, due = values.get("planned_start"), values.get("due_date")
        if task is not None:
            start = values.get("planned_start", task.planned_start)
            due = values.get("due_date", task.due_date)
        if start and due and start > due:
            self.problem(
                ITEMS,
                row.number,
                "due_date",
                _("The due date %(due)s is before the planned start %(start)s."),
                due=due,
                start=start,
            )
        if task is None:
            status = values.get("status") or TaskStatus.NOT_STARTED
            # A closed item (completed or cancelled) is a ledger's record, as in
            # an exported list: it is created, then closed as the ledger has it.
            if status not in NEW_ITEM_STATUSES and status not in CLOSED_STATES:
                self.problem(
                    ITEMS,
                    row.number,
                    "status",
                    _(
                        "A new item starts as not started or in progress, or is "
                        "recorded as closed (completed or cancelled); its other "
                        "states follow the workflow."
                    ),
                )
            values.setdefault("priority", None)
            return
        entry.action = UNCHANGED
        if "due_date" in values and values["due_date"] != task.due_date:
            self.problem(
                ITEMS,
                row.number,
                "due_date",
                _(
                    "The due date of %(code)s is %(old)s; an import does not move "
                    "it: the joint office decides an extension request."
                ),
                code=code,
                old=task.due_date,
            )
        if values.get("status") and values["status"] != task.status:
            self.problem(
                ITEMS,
                row.number,
                "status",
                _(
                    "The status of %(code)s is “%(old)s”; an import does not change "
                    "it: status changes follow the workflow."
                ),
                code=code,
                old=task.get_status_display(),
            )
        for key in (
            "title",
            "description",
            "work_stream",
            "task_list",
            "lead_party",
            "priority",
            "planned_start",
        ):
            if key not in values:
                continue
            new = values[key]
            if key == "priority" and new is None:
                new = Priority.NORMAL
            old = getattr(task, key)
            if (old or None) != (new or None):
                entry.changes[key] = (
                    Priority(old).label if key == "priority" else old,
                    Priority(new).label if key == "priority" else new,
                )
                values[key] = new
        if entry.changes:
            entry.action = CHANGE

    # --- owners ----------------------------------------------------------------

    def _owner(self, row: Row, seen: set) -> None:
        item = self._item_of(OWNERS, row)
        values = self._values(OWNERS, row)
        if item is None or values is None:
            return
        party = values["party"]
        if (item.key, party.pk) in seen:
            self.problem(
                OWNERS,
                row.number,
                "party",
                _("%(party)s already has a row for item %(code)s."),
                party=party.name,
                code=item.key,
            )
            return
        seen.add((item.key, party.pk))
        entry = Entry(
            OWNERS, row.number, f"{item.key} · {party.name}", values=values, item=item
        )
        task = item.existing
        if task is not None:
            owner = next((o for o in task.owners.all() if o.party_id == party.pk), None)
            if owner is None:
                self.problem(
                    OWNERS,
                    row.number,
                    "party",
                    _(
                        "%(party)s is not an owner of the existing item %(code)s; "
                        "an import does not add owner parties to existing items."
                    ),
                    party=party.name,
                    code=item.key,
                )
                return
            entry.existing = owner
            entry.action = UNCHANGED
            for key in ("agency", "contact_name", "contact_phone"):
                if key in values and (getattr(owner, key) or None) != (
                    values[key] or None
                ):
                    entry.changes[key] = (getattr(owner, key), values[key])
            if entry.changes:
                entry.action = CHANGE
        self.plan.owners.append(entry)

    def _owner_parties(self, item: Entry) -> set[int]:
        if item.existing is not None:
            return {o.party_id for o in item.existing.owners.all()}
        return {o.values["party"].pk for o in self.plan.owners if o.item is item}

    def _check_party(self, sheet, row, item, values) -> bool:
        party = values.get("party")
        if party is not None and party.pk not in self._owner_parties(item):
            self.problem(
                sheet,
                row.number,
                "party",
                _("%(party)s is not an owner of item %(code)s."),
                party=party.name,
                code=item.key,
            )
            return False
        return True

    def _item_dates(self, item: Entry):
        task = item.existing
        start = item.values.get(
            "planned_start", task.planned_start if task is not None else None
        )
        due = item.values.get("due_date", task.due_date if task is not None else None)
        return start, due

    # --- milestones ------------------------------------------------------------

    def _milestone(self, row: Row, seen: set) -> None:
        item = self._item_of(MILESTONES, row)
        values = self._values(MILESTONES, row)
        if item is None or values is None:
            return
        if not self._check_party(MILESTONES, row, item, values):
            return
        title = values["title"]
        if (item.key, title) in seen:
            self.problem(
                MILESTONES,
                row.number,
                "title",
                _("Item %(code)s already has a milestone “%(title)s” in this sheet."),
                code=item.key,
                title=title,
            )
            return
        seen.add((item.key, title))
        start, due = self._item_dates(item)
        when = values["due_date"]
        # Before the planned start is allowed, as the task list allows it (a
        # launch or preparatory step); after the item's due date is not.
        if due and when > due:
            self.problem(
                MILESTONES,
                row.number,
                "due_date",
                _(
                    "The milestone's due date %(date)s is outside the item's dates "
                    "(%(start)s – %(due)s)."
                ),
                date=when,
                start=start or "…",
                due=due,
            )
            return
        weight = values.get("weight")
        if weight is not None and not 1 <= weight <= 100:
            self.problem(
                MILESTONES,
                row.number,
                "weight",
                _("The weight must be between 1 and 100."),
            )
            return
        entry = Entry(
            MILESTONES, row.number, f"{item.key} · {title}", values=values, item=item
        )
        task = item.existing
        milestone = None
        if task is not None:
            milestone = next(
                (m for m in task.milestones.all() if m.title == title), None
            )
        if milestone is not None:
            entry.existing, entry.action = milestone, UNCHANGED
            if "party" in values and values["party"] != milestone.party:
                self.problem(
                    MILESTONES,
                    row.number,
                    "party",
                    _(
                        "The milestone “%(title)s” belongs to %(party)s; an import "
                        "does not move it to another party."
                    ),
                    title=title,
                    party=milestone.party.name if milestone.party else _("both"),
                )
                return
            if "weight" in values and values["weight"] is None:
                values["weight"] = 1
            for key in ("due_date", "weight", "description"):
                if key in values and getattr(milestone, key) != values[key]:
                    entry.changes[key] = (getattr(milestone, key), values[key])
            if entry.changes:
                entry.action = CHANGE
        self.plan.milestones.append(entry)

    # --- indicators ------------------------------------------------------------

    def _indicator(self, row: Row, seen: set) -> None:
        item = self._item_of(INDICATORS, row)
        values = self._values(INDICATORS, row)
        if item is None or values is None:
            return
        if not self._check_party(INDICATORS, row, item, values):
            return
        name = values["name"]
        if (item.key, name) in seen:
            self.problem(
                INDICATORS,
                row.number,
                "name",
                _("Item %(code)s already has an indicator “%(name)s” in this sheet."),
                code=item.key,
                name=name,
            )
            return
        seen.add((item.key, name))
        if "direction" in values and values["direction"] is None:
            values["direction"] = Direction.HIGHER
        entry = Entry(
            INDICATORS, row.number, f"{item.key} · {name}", values=values, item=item
        )
        task = item.existing
        indicator = None
        if task is not None:
            indicator = next((i for i in task.indicators.all() if i.name == name), None)
        if indicator is not None:
            entry.existing, entry.action = indicator, UNCHANGED
            if "party" in values and values["party"] != indicator.party:
                self.problem(
                    INDICATORS,
                    row.number,
                    "party",
                    _(
                        "The indicator “%(name)s” belongs to %(party)s; an import "
                        "does not move it to another party."
                    ),
                    name=name,
                    party=indicator.party.name if indicator.party else _("both"),
                )
                return
            for key in ("unit", "baseline", "target", "direction"):
                if key in values and getattr(indicator, key) != values[key]:
                    entry.changes[key] = (getattr(indicator, key), values[key])
            if entry.changes:
                entry.action = CHANGE
        self.plan.indicators.append(entry)


def plan_build(*, initiative: Initiative, book: Book, progress=None) -> Plan:
    planner = Planner(initiative, book, progress)
    plan = planner.run()
    # Items in file order, first: their rows come before what hangs under them.
    plan.items = sorted(
        (e for e in planner.items.values() if e.row), key=lambda e: e.row
    )
    return plan
