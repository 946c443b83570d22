"""Tamper evidence: one SHA-256 hash chain over every audit event table.

The event tables refuse UPDATE and DELETE, but their owner can disable the
triggers. The chain makes such an edit visible afterwards: beat runs
`seal_new_events` hourly, and `manage.py audit_verify` recomputes everything
and names the first ledger position that no longer matches. An auditor who
keeps the latest chain digest (`latest_seal`) outside the system can also tell
when the ledger itself was rewritten from some point on.

The recipe, so that anyone can recompute it with other tools:

- The event digest is the SHA-256 (lowercase hex) of the event row's canonical
  JSON: one object whose keys are the row's column names, every column
  included (pgh_context too), keys sorted at every level, separators ``,`` and
  ``:``, non-ASCII characters as they are, encoded as UTF-8. Timestamps are in
  UTC, ISO 8601 with microseconds (``2025-06-30T08:00:00.000000+00:00``);
  dates ISO 8601; numerics as decimal strings as PostgreSQL returns them
  (``12.50``); UUIDs as strings; JSON columns as their JSON value; NULL as null.
- The chain digest of position n is sha256(chain digest of n-1 + event digest
  of n), both as hex text; position 0 is ``GENESIS`` (64 zeros).
- Positions run 1, 2, 3… without gaps. Each sealing run appends the events not
  yet sealed, ordered by (pgh_created_at, event table label, pgh_id).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import heapq
import json
import uuid
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, NamedTuple

import pghistory.models
from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.duration import duration_iso_string

from .models import AuditSeal

GENESIS = "0" * 64
BATCH_SIZE = 5000  # ledger rows per INSERT; ~30,000 parameters, under the limit
FETCH_SIZE = 2000  # event rows per round trip from a server-side cursor

# Every sealer takes this transaction-level advisory lock first, so two runs
# (beat firing while an operator runs audit_seal) queue instead of both
# appending after the same tail. Derived from a name to avoid chance collisions
# with other advisory locks; fixed forever, since old and new code must agree.
LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"audit.seal_events").digest()[:8], "big", signed=True
)

EVENT_CHANGED = "event row changed"
EVENT_MISSING = "event row missing"
CHAIN_BROKEN = "chain broken / reordered"


class Seal(NamedTuple):
    position: int
    chain_digest: str
    sealed_at: dt.datetime


class SealResult(NamedTuple):
    sealed: int
    chain_digest: str
    position: int


@dataclasses.dataclass(frozen=True)
class Mismatch:
    """The first ledger position that does not match, and why."""

    position: int
    table: str | None
    pgh_id: int | None
    problem: str  # EVENT_CHANGED, EVENT_MISSING or CHAIN_BROKEN
    detail: str

    def __str__(self) -> str:
        event = f"{self.table} pgh_id {self.pgh_id}" if self.table else "no event"
        return f"position {self.position} ({event}): {self.problem}: {self.detail}"


@dataclasses.dataclass(frozen=True)
class Verification:
    # Entries found intact, from position 1 on; positions have no gaps, so
    # this is also the last intact position.
    verified: int
    chain_digest: str  # the chain digest there (GENESIS when none)
    unsealed: int  # events not in the ledger yet; not a failure by itself
    mismatch: Mismatch | None

    @property
    def ok(self) -> bool:
        return self.mismatch is None


# --- the event tables ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Table:
    label: str  # "audit.taskevent", as stored in the ledger
    db_table: str
    columns: tuple[str, ...]
    json_columns: frozenset[str]

    @classmethod
    def of(cls, model: type[models.Model]) -> _Table:
        fields = model._meta.concrete_fields
        return cls(
            label=model._meta.label_lower,
            db_table=model._meta.db_table,
            columns=tuple(f.column for f in fields),
            json_columns=frozenset(
                f.column for f in fields if isinstance(f, models.JSONField)
            ),
        )

    def select(self, alias: str = "e") -> str:
        quote = connection.ops.quote_name
        columns = ", ".join(f"{alias}.{quote(c)}" for c in self.columns)
        # Identifiers from model metadata, quoted; every value is a parameter.
        return f"SELECT {columns} FROM {quote(self.db_table)} {alias}"  # noqa: S608

    def record(self, row: Iterable[Any]) -> dict[str, Any]:
        record = dict(zip(self.columns, row, strict=True))
        for column in self.json_columns:
            # Django reads jsonb as text and leaves parsing to the field; the
            # digest is of the JSON value, not of PostgreSQL's spelling of it.
            if isinstance(record[column], str):
                record[column] = json.loads(record[column])
        return record


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


def _tables() -> list[_Table]:
    return [_Table.of(model) for model in event_models()]


# --- digests ------------------------------------------------------------------------


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


def chain_link(previous: str, digest: str) -> str:
    return hashlib.sha256((previous + digest).encode("ascii")).hexdigest()


# --- sealing ------------------------------------------------------------------------


def _not_sealed(table: _Table) -> str:
    seal = connection.ops.quote_name(AuditSeal._meta.db_table)
    # NOT EXISTS, not "pgh_id > the last sealed id": a transaction that began
    # before the last seal but committed after it leaves older ids behind.
    return (
        f"NOT EXISTS (SELECT 1 FROM {seal} s"  # noqa: S608  (quoted identifier)
        " WHERE s.event_table = %s AND s.event_pgh_id = e.pgh_id)"
    )


def _unsealed_events(cursor, table: _Table) -> Iterator[tuple]:
    """The table's unsealed events in sealing order, streamed from a
    server-side cursor: a first seal of a long history need not fit in memory."""
    cursor.execute(
        f"{table.select()} WHERE {_not_sealed(table)}"
        " ORDER BY e.pgh_created_at, e.pgh_id",
        [table.label],
    )
    while rows := cursor.fetchmany(FETCH_SIZE):
        for row in rows:
            record = table.record(row)
            yield (
                record["pgh_created_at"],
                table.label,
                record["pgh_id"],
                event_digest(record),
            )


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


@transaction.atomic
def seal_new_events(*, batch_size: int = BATCH_SIZE) -> SealResult:
    """Append every event not yet sealed to the chain, in one global order.

    Returns how many were sealed, and the latest chain digest and position
    (GENESIS and 0 while the ledger is empty). One transaction: a run that
    fails leaves the ledger as it was, and the next run starts from there.
    """
    _lock()  # before reading the tail: the previous sealer has committed
    tail = (
        AuditSeal.objects.order_by("-position")
        .values_list("position", "chain_digest")
        .first()
    )
    position, chain = tail or (0, GENESIS)
    sealed_at = timezone.now()
    sealed = 0
    batch: list[AuditSeal] = []
    with contextlib.ExitStack() as stack:
        streams = [
            _unsealed_events(stack.enter_context(connection.chunked_cursor()), t)
            for t in _tables()
        ]
        # Each stream is sorted by (created_at, its label, pgh_id): a k-way
        # merge gives the global order without sorting everything in memory.
        for _created_at, label, pgh_id, digest in heapq.merge(*streams):
            position += 1
            chain = chain_link(chain, digest)
            batch.append(
                AuditSeal(
                    position=position,
                    event_table=label,
                    event_pgh_id=pgh_id,
                    event_digest=digest,
                    chain_digest=chain,
                    sealed_at=sealed_at,
                )
            )
            if len(batch) >= batch_size:
                AuditSeal.objects.bulk_create(batch)
                sealed += len(batch)
                batch = []
        if batch:
            AuditSeal.objects.bulk_create(batch)
            sealed += len(batch)
    return SealResult(sealed=sealed, chain_digest=chain, position=position)


def latest_seal() -> Seal | None:
    """(position, chain_digest, sealed_at) of the chain's last link, or None
    before the first seal. Auditors keep the digest outside the system."""
    row = (
        AuditSeal.objects.order_by("-position")
        .values_list("position", "chain_digest", "sealed_at")
        .first()
    )
    return Seal(*row) if row else None


def unsealed_count() -> int:
    total = 0
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(
                f"SELECT count(*) FROM {connection.ops.quote_name(table.db_table)} e"  # noqa: S608
                f" WHERE {_not_sealed(table)}",
                [table.label],
            )
            total += cursor.fetchone()[0]
    return total


# --- verification -------------------------------------------------------------------


@contextlib.contextmanager
def _snapshot():
    """One consistent view of ledger and events, even while beat seals: a
    read-only REPEATABLE READ transaction, unless the caller already holds one
    (tests run inside theirs)."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _fetch(
    tables: dict[str, _Table], entries: list[tuple]
) -> dict[tuple[str, int], tuple[tuple, str]]:
    """(label, pgh_id) → (sealing order key, recomputed digest) of the events
    that `entries` refer to: one query per table per chunk of the ledger."""
    wanted: dict[str, list[int]] = {}
    for entry in entries:
        if entry[1] in tables:
            wanted.setdefault(entry[1], []).append(entry[2])
    found = {}
    with connection.cursor() as cursor:
        for label, ids in wanted.items():
            table = tables[label]
            cursor.execute(f"{table.select()} WHERE e.pgh_id = ANY(%s)", [ids])
            for row in cursor.fetchall():
                record = table.record(row)
                key = (record["pgh_created_at"], label, record["pgh_id"])
                found[(label, record["pgh_id"])] = (key, event_digest(record))
    return found


def _check(entry: tuple, expected: int, chain: str, found: dict, previous: tuple):
    """The Mismatch of one ledger entry, or None. `previous` is the sealed_at
    and order key of the entry before it."""
    position, label, pgh_id, stored_digest, stored_chain, sealed_at = entry

    def mismatch(problem: str, detail: str) -> Mismatch:
        return Mismatch(expected, label, pgh_id, problem, detail)

    if position != expected:
        return mismatch(
            CHAIN_BROKEN,
            f"ledger position {expected} is missing; the next entry is {position}",
        )
    event = found.get((label, pgh_id))
    if event is None:
        return mismatch(EVENT_MISSING, "no such event row (deleted?)")
    key, digest = event
    if digest != stored_digest:
        elsewhere = (
            AuditSeal.objects.filter(event_digest=digest)
            .exclude(position=position)
            .values_list("position", flat=True)
            .first()
        )
        if elsewhere is not None:
            return mismatch(
                CHAIN_BROKEN,
                f"this event was sealed at position {elsewhere}, not here",
            )
        return mismatch(
            EVENT_CHANGED, f"its digest is now {digest}, sealed as {stored_digest}"
        )
    if chain_link(chain, stored_digest) != stored_chain:
        return mismatch(
            CHAIN_BROKEN,
            f"chain digest does not follow from position {position - 1}",
        )
    if previous[0] == sealed_at and key <= previous[1]:
        # One run seals in strict (created_at, table, pgh_id) order, so this
        # catches a reordering even when the chain was recomputed over it.
        return mismatch(CHAIN_BROKEN, "out of order within its sealing run")
    return None


def verify_chain(
    *, expect: tuple[int, str] | None = None, chunk_size: int = BATCH_SIZE
) -> Verification:
    """Recompute every sealed event's digest and the chain from the genesis,
    in position order, stopping at the first entry that does not match.

    `expect` is a (position, chain digest) kept outside the system: the
    ledger must reach that position with that digest, which also catches a
    chain rewritten consistently from some point on.
    """
    with _snapshot():
        tables = {table.label: table for table in _tables()}
        position, chain, found_mismatch = 0, GENESIS, None
        previous: tuple = (None, None)
        expected_chain = None
        ledger = AuditSeal.objects.order_by("position").values_list(
            "position",
            "event_table",
            "event_pgh_id",
            "event_digest",
            "chain_digest",
            "sealed_at",
        )
        last = 0
        while found_mismatch is None:
            # Keyset pages on the primary key: each page is an index range.
            entries = list(ledger.filter(position__gt=last)[:chunk_size])
            if not entries:
                break
            last = entries[-1][0]
            found = _fetch(tables, entries)
            for entry in entries:
                found_mismatch = _check(entry, position + 1, chain, found, previous)
                if found_mismatch:
                    break
                position, chain = entry[0], entry[4]
                previous = (entry[5], found[(entry[1], entry[2])][0])
                if expect and position == expect[0]:
                    expected_chain = chain
        if found_mismatch is None and expect:
            found_mismatch = _check_expected(expect, position, expected_chain)
        unsealed = unsealed_count()
    return Verification(
        verified=position,
        chain_digest=chain,
        unsealed=unsealed,
        mismatch=found_mismatch,
    )


def _check_expected(
    expect: tuple[int, str], last: int, chain_there: str | None
) -> Mismatch | None:
    kept_position, kept_digest = expect
    if chain_there is None:
        return Mismatch(
            kept_position,
            None,
            None,
            CHAIN_BROKEN,
            f"the ledger ends at position {last}, before the kept seal",
        )
    if chain_there != kept_digest.lower():
        entry = AuditSeal.objects.values_list("event_table", "event_pgh_id").get(
            position=kept_position
        )
        return Mismatch(
            kept_position,
            *entry,
            CHAIN_BROKEN,
            f"chain digest is {chain_there}, the kept seal says {kept_digest}",
        )
    return None
