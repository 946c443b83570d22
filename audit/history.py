"""Reading the audit trail: what each event changed, in words an auditor reads.

The event tables hold snapshots (one row per INSERT, UPDATE or DELETE of the
tracked row); a change is the difference between an event and the previous
event of the same object. Field names are the models' verbose names in the
active language, choices their labels, foreign keys the related object's name
when that costs no extra query per value (else its id).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pghistory import core

from accounts.models import Membership, User

from .attribution import Attribution, attribute
from .models import RefusedEvent

SOURCE_LABELS = {
    "web": _("web pages"),
    "api": _("API"),
    "admin": _("admin site"),
    "celery": _("background job"),
    "command": _("management command"),
    "import": _("import"),
}
ACTION_LABELS = {
    "insert": _("created"),
    "update": _("changed"),
    "delete": _("deleted"),
}
# Fields that name an object, most telling first (for deleted objects and
# rows that are only known from their snapshot).
NAME_FIELDS = ("code", "title", "name", "full_name", "username")
EMPTY = _("(empty)")
# Rows with no name of their own, named by the field that says what they are
# (an urge: 逾期催办, 通报专班).
NAMED_BY = {"supervision.urge": "kind"}


# --- models and fields ---------------------------------------------------------


@cache
def event_models_by_tracked() -> dict[
    type[models.Model], tuple[type[models.Model], ...]
]:
    """Tracked model → its event models (one each here, but pghistory allows more)."""
    found: dict[type[models.Model], list[type[models.Model]]] = defaultdict(list)
    for event_model in core.event_models():
        # The history of a removed table (audit.ParkEvaluationEvent) has no
        # rows to show it on.
        if not event_model.pgh_tracked_model._meta.managed:
            continue
        tracked = event_model.pgh_tracked_model._meta.concrete_model
        found[tracked].append(event_model)
    return {model: tuple(events) for model, events in found.items()}


def tracked_models() -> list[type[models.Model]]:
    return sorted(event_models_by_tracked(), key=lambda m: m._meta.label)


def is_tracked(model: type[models.Model]) -> bool:
    return model._meta.concrete_model in event_models_by_tracked()


def model_label(model: type[models.Model]) -> str:
    """The model's name for people; an auto-created many-to-many table (a user's
    groups, a group's permissions) is named after the two models it links."""
    opts = model._meta
    if opts.auto_created:
        ends = [f.related_model for f in opts.fields if f.is_relation]
        if len(ends) == 2:
            return gettext("%(left)s–%(right)s link") % {
                "left": capfirst(ends[0]._meta.verbose_name),
                "right": capfirst(ends[1]._meta.verbose_name),
            }
    return str(capfirst(opts.verbose_name))


# Rows whose history is read as part of another object's: the 督办 ledger on
# its item (an urge on its task, an urge's addressed party on the urge). Model
# → (the snapshot's column naming the parent, the parent model).
HISTORY_PARENTS: dict[str, tuple[str, str]] = {
    "supervision.urge": ("task_id", "tracker.task"),
    "supervision.urgetarget": ("urge_id", "supervision.urge"),
}


def history_parent(
    model: type[models.Model], data: dict | None
) -> tuple[type[models.Model], Any] | None:
    """For a row read in another object's history (HISTORY_PARENTS), that
    object, from the row's snapshot (no query)."""
    found = HISTORY_PARENTS.get(model._meta.label_lower)
    if found is None or not data or data.get(found[0]) is None:
        return None
    column, parent = found
    return apps.get_model(parent), data[column]


def child_sources(
    model: type[models.Model], pk: Any = None, *, ids: Any = None
) -> list[tuple[type[models.Model], dict[str, Any]]]:
    """The event tables of the rows read in the object's history
    (HISTORY_PARENTS, at any depth), each with the lookup that finds them,
    deleted rows included: one query each when read. `ids` (a subquery of
    parent ids) stands for `pk` one level down."""
    found = []
    label = model._meta.concrete_model._meta.label_lower
    for child_label, (column, parent) in HISTORY_PARENTS.items():
        if parent != label:
            continue
        child = apps.get_model(child_label)
        lookup = {column: pk} if ids is None else {f"{column}__in": ids}
        for event_model in event_models_by_tracked().get(child, ()):
            found.append((event_model, lookup))
            found += child_sources(
                child, ids=event_model.objects.filter(**lookup).values("pgh_obj_id")
            )
    return found


def link_owner(
    model: type[models.Model], data: dict | None
) -> tuple[type[models.Model], Any] | None:
    """The object whose history shows a row: for a row of a many-to-many table
    (a user's group, a group's permission) the first end; for a row read in
    another object's history (HISTORY_PARENTS) that object."""
    if (parent := history_parent(model, data)) is not None:
        return parent
    if not model._meta.auto_created or not data:
        return None
    ends = [f for f in model._meta.fields if f.many_to_one]
    if not ends or data.get(ends[0].column) is None:
        return None
    return ends[0].related_model, data[ends[0].column]


def model_from_label(label: str | None) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def snapshot_fields(event_model: type[models.Model]) -> list[models.Field]:
    """The tracked row's fields in an event model (not pghistory's own)."""
    return [
        f for f in event_model._meta.concrete_fields if not f.name.startswith("pgh_")
    ]


def field_label(model: type[models.Model], field: models.Field) -> str:
    """A field's verbose name, taken from the tracked model when it has the field
    (so a label changed there shows everywhere)."""
    if model._meta.auto_created and field.many_to_one:
        # A many-to-many table's columns are named after the models they join.
        return str(capfirst(field.related_model._meta.verbose_name))
    try:
        source = model._meta.get_field(field.name)
    except Exception:
        source = field
    return str(capfirst(getattr(source, "verbose_name", None) or field.name))


@cache
def _columns(event_model: type[models.Model]) -> dict[str, models.Field]:
    return {f.column: f for f in snapshot_fields(event_model)}


def changed_field_labels(event_model_label: str, diff: dict | None) -> list[str]:
    """Verbose names of the columns in pghistory's SQL diff of an event."""
    event_model = model_from_label(event_model_label)
    if not diff or event_model is None:
        return []
    tracked = event_model.pgh_tracked_model
    columns = _columns(event_model)
    return [
        field_label(tracked, columns[column]) if column in columns else column
        for column in diff
    ]


def diff_text(event_model_label: str, diff: dict | None) -> str:
    """pghistory's SQL diff ({column: [old, new]}) as "label: old → new" lines.
    Foreign keys stay ids here (no query per row of an export)."""
    event_model = model_from_label(event_model_label)
    if not diff or event_model is None:
        return ""
    tracked = event_model.pgh_tracked_model
    columns = _columns(event_model)
    lines = []
    for column, (old, new) in diff.items():
        f = columns.get(column)
        if f is None:
            lines.append(f"{column}: {old} → {new}")
            continue
        lines.append(
            f"{field_label(tracked, f)}: "
            f"{display_value(f, old, None)} → {display_value(f, new, None)}"
        )
    return "\n".join(lines)


def object_label(
    model: type[models.Model] | None,
    data: dict | None,
    pk: Any,
    *,
    with_code: bool = True,
) -> str:
    """A name for an object from its snapshot: no query, works once deleted."""
    data = data or {}
    code, title = data.get("code"), data.get("title")
    if code and title and with_code:
        return f"{code} {title}"
    for name in NAME_FIELDS if with_code else (*NAME_FIELDS[1:], NAME_FIELDS[0]):
        if data.get(name):
            return str(data[name])
    named_by = NAMED_BY.get(model._meta.label_lower) if model is not None else None
    if named_by and data.get(named_by):
        return display_value(model._meta.get_field(named_by), data[named_by], None)
    if model is not None and model._meta.auto_created:
        parts = [
            f"{field_label(model, f)} #{data[f.column]}"
            for f in model._meta.fields
            if f.is_relation and data.get(f.column) is not None
        ]
        if parts:
            return " · ".join(parts)
    return f"#{pk}"


# --- values ------------------------------------------------------------------------


class _WouldQuery(Exception):
    pass


def _refuse_queries(execute, sql, params, many, context):
    raise _WouldQuery


def _cheap_str(obj: models.Model) -> str | None:
    """str(obj) when it needs no query (its relations are already loaded)."""
    try:
        with connection.execute_wrapper(_refuse_queries):
            return str(obj)
    except _WouldQuery:
        return None


def related_labels(
    wanted: dict[type[models.Model], set[Any]],
) -> dict[tuple[type[models.Model], Any], str]:
    """Names of related objects: one query per related model, with its own
    foreign keys joined so that most __str__ methods need nothing more."""
    labels: dict[tuple[type[models.Model], Any], str] = {}
    for model, pks in wanted.items():
        pks.discard(None)
        if not pks:
            continue
        joins = [
            f.name
            for f in model._meta.concrete_fields
            if f.many_to_one and f.related_model is not model
        ]
        found = model._default_manager.select_related(*joins).in_bulk(list(pks))
        for pk, obj in found.items():
            text = _cheap_str(obj)
            labels[model, pk] = f"{text}（#{pk}）" if text else f"#{pk}"
    return labels


def plain_number(value: Decimal) -> str:
    """A decimal as a person writes it: 13, not 13.0000; 12.5, not 12.5000."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def display_value(
    f: models.Field,
    value: Any,
    labels: dict[tuple[type[models.Model], Any], str] | None,
) -> str:
    if value is None or value == "":
        return str(EMPTY)
    if f.many_to_one:
        if labels is None:
            return f"#{value}"
        target = f.related_model._meta.concrete_model
        return labels.get((target, value)) or gettext("#%(id)s (not found)") % {
            "id": value
        }
    if f.choices:
        choices = {str(k): v for k, v in f.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(f, models.DateTimeField) and isinstance(value, str):
        # From pghistory's SQL diff (JSON): ISO text in UTC.
        value = parse_datetime(value) or value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(f, models.DecimalField) and isinstance(value, int | float | str):
        # From pghistory's SQL diff (JSON): a number or its text.
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            return str(value)
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _raw(f: models.Field, event: models.Model) -> Any:
    value = f.value_from_object(event)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


# --- history of one object --------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    event: models.Model
    model: type[models.Model]
    action: str
    actor_id: Any = None
    raw_changes: list[tuple[models.Field, Any, Any]] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    actor: User | None = None
    # The row's columns as this event recorded them.
    values: dict[str, Any] = field(default_factory=dict)
    # Set when the sealer refused this row as one that cannot be genuine.
    refusal: RefusedEvent | None = None

    @property
    def anchor(self) -> str:
        return f"{self.event._meta.label}:{self.event.pgh_id}"

    @property
    def context(self) -> dict:
        return self.event.pgh_context or {}

    @property
    def attribution(self) -> Attribution:
        """The context's claim weighed against the session that wrote it."""
        return attribute(
            self.event.pgh_context, getattr(self.event, "pgh_session", None)
        )

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def source_label(self) -> str:
        source = self.context.get("source") or ""
        return str(SOURCE_LABELS.get(source, source))

    @property
    def actor_parties(self) -> str:
        return party_names(self.actor)

    @property
    def record_type(self) -> str:
        return model_label(self.model)

    @property
    def is_link(self) -> bool:
        return self.model._meta.auto_created

    @property
    def is_part(self) -> bool:
        """A row read in another object's history (HISTORY_PARENTS)."""
        return self.model._meta.label_lower in HISTORY_PARENTS


def party_names(user: User | None) -> str:
    """The parties of a user's active memberships (prefetched)."""
    if user is None:
        return ""
    names = []
    for membership in user.memberships.all():
        if membership.is_active and membership.party.name not in names:
            names.append(membership.party.name)
    return "、".join(names)


def users_with_parties(pks: Iterable[Any]) -> dict[Any, User]:
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return {}
    memberships = Prefetch(
        "memberships",
        queryset=Membership.objects.filter(is_active=True).select_related("party"),
    )
    return User.objects.prefetch_related(memberships).in_bulk(list(pks))


def parse_pk(model: type[models.Model], raw: str) -> Any:
    """The object id from a URL, as the model's primary key type (or None)."""
    try:
        return model._meta.pk.to_python(raw)
    except (ValidationError, ValueError, TypeError):
        return None


def _link_event_sources(
    model: type[models.Model], pk: Any
) -> list[tuple[type[models.Model], dict]]:
    """Many-to-many tables that point at the model (a user's groups and
    permissions, a group's permissions): their events belong to its history."""
    found = []
    for tracked, event_models_ in event_models_by_tracked().items():
        if not tracked._meta.auto_created:
            continue
        for f in tracked._meta.fields:
            if f.many_to_one and f.related_model._meta.concrete_model is model:
                for event_model in event_models_:
                    found.append((event_model, {f.attname: pk}))
    return found


def object_history(model: type[models.Model], pk: Any) -> list[HistoryEntry]:
    """Every event of one object (and of its many-to-many links and the rows
    read in its history, HISTORY_PARENTS), oldest first,
    with what each changed (raw values; :func:`describe` words them). One query
    per event table."""
    model = model._meta.concrete_model
    sources = [
        (event_model, {"pgh_obj_id": pk})
        for event_model in event_models_by_tracked().get(model, ())
    ]
    sources += _link_event_sources(model, pk)
    sources += child_sources(model, pk)
    return entries_from_sources(sources)


def entries_from_sources(
    sources: list[tuple[type[models.Model], dict[str, Any]]],
    *,
    ignore: frozenset[str] = frozenset(),
    keep_bumps: bool = True,
) -> list[HistoryEntry]:
    """Every event of the sources ((event model, lookup) pairs), oldest first,
    each with what it changed against the previous event of the same row (raw
    values). Fields named in `ignore` never count as changes; an update that
    changed nothing else (a version bump) is dropped unless `keep_bumps`. One
    query per source."""
    events: list[models.Model] = []
    for event_model, lookup in sources:
        events.extend(event_model.objects.filter(**lookup).order_by("pgh_id"))
    events.sort(key=lambda e: (e.pgh_created_at, e.pgh_id))

    previous: dict[tuple[str, Any], dict[str, Any]] = {}
    history = []
    for event in events:
        tracked = type(event).pgh_tracked_model
        fields = [
            f for f in snapshot_fields(type(event)) if f.name != tracked._meta.pk.name
        ]
        now = {f.attname: _raw(f, event) for f in fields}
        key = (event._meta.label, event.pgh_obj_id)
        before = previous.get(key)
        previous[key] = now
        raw_changes = []
        for f in fields:
            if f.name in ignore:
                continue
            old = before.get(f.attname) if before is not None else None
            new = now[f.attname]
            if event.pgh_label == "delete":
                old, new = new, None
            elif before is not None and old == new:
                continue
            if old in (None, "") and new in (None, ""):
                continue
            raw_changes.append((f, old, new))
        if not raw_changes and event.pgh_label == "update" and not keep_bumps:
            continue
        history.append(
            HistoryEntry(
                event=event,
                model=tracked,
                action=event.pgh_label,
                actor_id=(event.pgh_context or {}).get("user"),
                raw_changes=raw_changes,
                values={f.column: now[f.attname] for f in fields},
            )
        )
    return history


def describe(entries: list[HistoryEntry]) -> None:
    """Word the changes of these entries (a page of a history): field labels,
    choice labels, related objects' names, actors with their parties. Queries:
    one per related model named, two for the actors."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        for f, old, new in entry.raw_changes:
            if f.many_to_one:
                wanted[f.related_model._meta.concrete_model].update((old, new))
    labels = related_labels(wanted)
    actors = users_with_parties(entry.actor_id for entry in entries)
    for entry in entries:
        entry.actor = actors.get(entry.actor_id)
        entry.changes = [
            FieldChange(
                label=field_label(entry.model, f),
                old=display_value(f, old, labels),
                new=display_value(f, new, labels),
            )
            for f, old, new in entry.raw_changes
        ]


def mark_refused(entries: list[HistoryEntry]) -> None:
    """Set the refusal of each entry the sealer refused. One query."""
    if not entries:
        return
    by_table: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        by_table[entry.event._meta.label_lower].append(entry.event.pgh_id)
    match = models.Q()
    for table, ids in by_table.items():
        match |= models.Q(event_table=table, event_pgh_id__in=ids)
    refused = {
        (r.event_table, r.event_pgh_id): r for r in RefusedEvent.objects.filter(match)
    }
    for entry in entries:
        entry.refusal = refused.get((entry.event._meta.label_lower, entry.event.pgh_id))


def last_snapshot(model: type[models.Model], pk: Any) -> dict | None:
    """The object's last recorded state (for naming a deleted object)."""
    for event_model in event_models_by_tracked().get(model._meta.concrete_model, ()):
        event = event_model.objects.filter(pgh_obj_id=pk).order_by("-pgh_id").first()
        if event is not None:
            return {f.column: _raw(f, event) for f in snapshot_fields(event_model)}
    return None
