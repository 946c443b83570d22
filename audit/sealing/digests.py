"""What is sealed, and the digests: the recipe anyone can recompute.

- The event digest is the SHA-256 (lowercase hex) of the event row's canonical
  JSON: one object whose keys are the row's column names, every column
  included (pgh_context and pgh_session too), keys sorted at every level,
  separators ``,`` and ``:``, non-ASCII characters as they are, encoded as
  UTF-8. Timestamps are in UTC, ISO 8601 with microseconds
  (``2025-06-30T08:00:00.000000+00:00``); dates ISO 8601; numerics as decimal
  strings as PostgreSQL returns them (``12.50``); UUIDs as strings; JSON columns
  as their JSON value; NULL as null.
- The chain digest of position n is sha256(chain digest of n-1 + event digest
  of n), both as hex text; position 0 is ``GENESIS`` (64 zeros).

Sealed are every pghistory event table and the security events (sign-in
failures, lockouts, refused writes, refused history rows).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pghistory.models
from django.apps import apps
from django.db import connection, models
from django.utils import timezone
from django.utils.duration import duration_iso_string

from .schema import sealed_forms

GENESIS = "0" * 64


@dataclasses.dataclass(frozen=True)
class Table:
    label: str  # "audit.taskevent", as stored in the ledger
    db_table: str
    columns: tuple[str, ...]
    json_columns: frozenset[str]
    id_column: str  # pgh_id, or id for the security events
    time_column: str  # when the row was written
    session_column: str  # the writing session, as PostgreSQL recorded it

    @classmethod
    def of(cls, model: type[models.Model]) -> Table:
        fields = model._meta.concrete_fields
        is_event = issubclass(model, pghistory.models.Event)
        return cls(
            label=model._meta.label_lower,
            db_table=model._meta.db_table,
            columns=tuple(f.column for f in fields),
            json_columns=frozenset(
                f.column for f in fields if isinstance(f, models.JSONField)
            ),
            id_column="pgh_id" if is_event else model._meta.pk.column,
            time_column="pgh_created_at" if is_event else "created_at",
            session_column="pgh_session" if is_event else "session",
        )

    def quoted(self, column: str, alias: str = "e") -> str:
        return f"{alias}.{connection.ops.quote_name(column)}"

    def select(self, *extra: str, alias: str = "e") -> str:
        """The row's columns (then `extra` expressions) from the table."""
        quote = connection.ops.quote_name
        columns = ", ".join([*(self.quoted(c, alias) for c in self.columns), *extra])
        # Identifiers from model metadata, quoted; every value is a parameter.
        return f"SELECT {columns} FROM {quote(self.db_table)} {alias}"  # noqa: S608

    def writer_xid(self, alias: str = "e") -> str:
        """SQL for the top-level transaction id the trigger recorded (null on
        rows from before sessions were kept)."""
        return f"({self.quoted(self.session_column, alias)} ->> 'xid')::bigint"

    def record(self, row: Iterable[Any]) -> dict[str, Any]:
        record = dict(zip(self.columns, row, strict=True))
        for column in self.json_columns:
            # Django reads jsonb as text and leaves parsing to the field; the
            # digest is of the JSON value, not of PostgreSQL's spelling of it.
            if isinstance(record[column], str):
                record[column] = json.loads(record[column])
        return record

    def key(self, record: dict[str, Any]) -> tuple:
        """The order within one sealing run: time written, table, id."""
        return (record[self.time_column], self.label, record[self.id_column])


def event_models() -> list[type[models.Model]]:
    """Every concrete pghistory event model, discovered rather than listed, so
    that a table tracked tomorrow is sealed without anyone remembering to."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if issubclass(model, pghistory.models.Event)
            and model._meta.managed
            and not model._meta.proxy
        ),
        key=lambda model: model._meta.label_lower,
    )


def sealed_models() -> list[type[models.Model]]:
    from audit.models import SecurityEvent

    return sorted(
        [*event_models(), SecurityEvent], key=lambda model: model._meta.label_lower
    )


def tables() -> dict[str, Table]:
    return {table.label: table for table in map(Table.of, sealed_models())}


def _normalise(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):  # before date: a datetime is a date
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _normalise(item) for key, item in value.items()}
    # Guessing (str()) could seal a representation that changes with a library
    # upgrade and then fail verification for no real reason: refuse instead.
    raise TypeError(f"No canonical form for {type(value).__name__}: {value!r}")


def canonical_json(record: dict[str, Any]) -> str:
    return json.dumps(
        {column: _normalise(value) for column, value in record.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def event_digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(record).encode("utf-8")).hexdigest()


def event_digests(label: str, record: dict[str, Any]) -> list[str]:
    """The digests the row may have been sealed with: of every column first,
    then of the forms from before columns were added (see schema.py)."""
    return [event_digest(form) for form in sealed_forms(label, record)]


def chain_link(previous: str, digest: str) -> str:
    return hashlib.sha256((previous + digest).encode("ascii")).hexdigest()
