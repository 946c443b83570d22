"""Sealing: appending new history to the chain, in commit order.

Beat runs :func:`seal_new_events` hourly. A run takes an advisory lock (one
sealer at a time), notes the database snapshot, and appends every event not
yet sealed that the snapshot shows, i.e. that had committed. So the chain runs
in commit order from run to run; within one run it is ordered by (time
written, table, id), which the verifier checks.

Before sealing a row a run asks whether it can be genuine, given the recent
runs' snapshots (S, taken at time T) and the transaction that wrote the row
(the top-level id the trigger recorded; the row's own ``xmin``, which no one
can choose, must be that transaction or one of its subtransactions):

- its transaction had committed by the last S: that run saw the row and would
  have sealed it. It was not there then, so it was put in since under an old
  transaction's name (or its ledger entry was cut away): refused;
- its transaction was open at the last S: it may have written before T and
  commit only now; sealed, as long as it was open at every run since the time
  the row claims;
- its transaction began after the last S: the row was written after T, so a
  time before T is a lie: refused as back-dated.

Refused rows stay out of the chain, are recorded in :class:`RefusedEvent` and
reported as a security event (itself sealed by the next run), and are listed
by ``audit_verify``. After the run commits, its head digest is appended to the
anchor file (``AUDIT_ANCHOR_PATH``), outside the database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import heapq
import logging
from collections.abc import Iterator
from typing import NamedTuple

from django.db import connection, transaction

from audit.models import AuditSeal, RefusedEvent, SealRun, SecurityEvent

from . import anchors
from .digests import GENESIS, Table, chain_link, event_digest, tables

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000  # ledger rows per INSERT; ~30,000 parameters, under the limit
FETCH_SIZE = 2000  # event rows per round trip from a server-side cursor

# Every sealer takes this transaction-level advisory lock first, so two runs
# (beat firing while an operator runs audit_seal) queue instead of both
# appending after the same tail. Derived from a name to avoid chance collisions
# with other advisory locks; fixed forever, since old and new code must agree.
LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"audit.seal_events").digest()[:8], "big", signed=True
)
_EPOCH = 1 << 32


class Seal(NamedTuple):
    position: int
    chain_digest: str
    sealed_at: dt.datetime


class SealResult(NamedTuple):
    sealed: int
    chain_digest: str
    position: int
    refused: int = 0


# --- snapshots ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """A run's ``pg_current_snapshot()`` (64-bit transaction ids) and the run's
    own transaction id, taken in the same statement.

    The snapshot's xmax is one past the latest *completed* transaction, and its
    list names only the open transactions below that; the run's own id, given
    out just after the snapshot, is one past every id given out before it. So a
    transaction below xmax and not listed had committed; one between the two,
    or listed, was open; one above the run's own began after the snapshot."""

    xmin: int
    xmax: int
    in_progress: frozenset[int]
    own: int
    next: int | None  # None when the run's id was given out earlier

    @classmethod
    def parse(cls, text: str, own_xid: int, next_xid: int | None) -> Snapshot:
        xmin, xmax, xip = text.split(":")
        running = frozenset(int(x) for x in xip.split(",") if x)
        return cls(int(xmin), int(xmax), running, own_xid, next_xid)

    def committed(self, xid: int) -> bool:
        return xid < self.xmax and xid not in self.in_progress and xid != self.own

    def began_after(self, xid: int) -> bool:
        return self.next is not None and xid > self.next

    def running(self, xid: int) -> bool:
        return not self.committed(xid) and not self.began_after(xid)


def full_xid(xmin: int, reference: int) -> int:
    """A row's 32-bit ``xmin`` as a 64-bit transaction id: the one nearest to
    a 64-bit id of about now (the current snapshot's xmax; an open
    transaction's own ids may lie a little beyond it). Live transaction ids are
    never 2^31 apart, so the nearest is the one."""
    if xmin < 3:  # bootstrap and frozen ids: older than anything
        return 0
    full = (reference - reference % _EPOCH) + xmin
    return min((full - _EPOCH, full, full + _EPOCH), key=lambda x: abs(x - reference))


# How many runs back a row may claim to have been written in a transaction
# still open: a day of hourly runs.
RUNS_LOOKED_BACK = 24


@dataclasses.dataclass(frozen=True)
class Judge:
    """The recent runs' snapshots (newest first), against which a new row is
    judged before it is sealed."""

    runs: list[tuple[dt.datetime, Snapshot | None]]

    @classmethod
    def load(cls) -> Judge:
        runs = SealRun.objects.order_by("-number").values_list(
            "sealed_at", "snapshot", "sealer_xid", "next_xid"
        )[:RUNS_LOOKED_BACK]
        return cls(
            [
                (sealed_at, Snapshot.parse(text, xid, bound) if text and xid else None)
                for sealed_at, text, xid, bound in runs
            ]
        )

    def refusal(self, writer: int | None, inserter: int, written_at) -> str | None:
        """Why the row cannot be genuine, or None.

        `writer` is the top-level transaction the trigger recorded; `inserter`
        the row's own xmin (a subtransaction of it when written in a
        savepoint, so never older; PostgreSQL's snapshots list top-level
        transactions only, hence the recorded one is what is judged)."""
        if not self.runs or self.runs[0][1] is None:
            return None  # no run yet, or none that kept its snapshot
        if writer is None:
            writer = inserter
        elif inserter < writer:
            return RefusedEvent.Reason.WRONG_TRANSACTION
        last_time, last = self.runs[0]
        if last.committed(writer):
            return RefusedEvent.Reason.ALREADY_VISIBLE
        if last.began_after(writer):
            # Began after the last run's snapshot: written after it too.
            return RefusedEvent.Reason.BACK_DATED if written_at < last_time else None
        # Open at the last run. Written before some run, it must have been
        # open at each run since (had it committed, that run would have sealed
        # it; had it not begun, it could not have written).
        for sealed_at, snapshot in self.runs:
            if written_at >= sealed_at:
                return None
            if snapshot is None or not snapshot.running(writer):
                return RefusedEvent.Reason.BACK_DATED
        return RefusedEvent.Reason.BACK_DATED  # open for more than a day of runs


def _current_snapshot() -> tuple[str, dt.datetime, int, int | None]:
    """This statement's snapshot, the time it began (no later than the
    snapshot), this transaction's id, and the bound on ids given out before
    the snapshot: that same id when this statement gave it out (always, for
    beat's runs; not when the caller's transaction had written before)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")
        (assigned_before,) = cursor.fetchone()
        cursor.execute(
            "SELECT pg_current_snapshot()::text, statement_timestamp(),"
            " pg_current_xact_id()::text::bigint"
        )
        snapshot, started, own = cursor.fetchone()
    return snapshot, started, own, None if assigned_before else own


# --- the events not yet sealed -------------------------------------------------------


def not_sealed(table: Table) -> str:
    seal = connection.ops.quote_name(AuditSeal._meta.db_table)
    refused = connection.ops.quote_name(RefusedEvent._meta.db_table)
    row_id = table.quoted(table.id_column)
    # NOT EXISTS, not "id > the last sealed id": a transaction that began
    # before the last seal but committed after it leaves older ids behind.
    return (
        f"NOT EXISTS (SELECT 1 FROM {seal} s"  # noqa: S608  (quoted identifiers)
        f" WHERE s.event_table = %s AND s.event_pgh_id = {row_id})"
        f" AND NOT EXISTS (SELECT 1 FROM {refused} r"
        f" WHERE r.event_table = %s AND r.event_pgh_id = {row_id})"
    )


class Pending(NamedTuple):
    key: tuple  # (time written, table, id): the order within a run
    writer: int | None  # the top-level transaction the trigger recorded
    xmin: int  # the inserting (sub)transaction, 32 bits as PostgreSQL keeps it
    digest: str


def unsealed_events(cursor, table: Table) -> Iterator[Pending]:
    """The table's unsealed, unrefused rows in sealing order, streamed from a
    server-side cursor: a first seal of a long history need not fit in memory."""
    time, row_id = table.quoted(table.time_column), table.quoted(table.id_column)
    cursor.execute(
        f"{table.select(table.writer_xid(), 'e.xmin::text::bigint')}"
        f" WHERE {not_sealed(table)}"
        f" ORDER BY {time}, {row_id}",
        [table.label, table.label],
    )
    while rows := cursor.fetchmany(FETCH_SIZE):
        for row in rows:
            record = table.record(row[:-2])
            yield Pending(table.key(record), row[-2], row[-1], event_digest(record))


def unsealed_count() -> int:
    total = 0
    with connection.cursor() as cursor:
        for table in tables().values():
            cursor.execute(
                f"SELECT count(*) FROM {connection.ops.quote_name(table.db_table)} e"  # noqa: S608
                f" WHERE {not_sealed(table)}",
                [table.label, table.label],
            )
            total += cursor.fetchone()[0]
    return total


# --- sealing ------------------------------------------------------------------------


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _refuse(refusals: list[RefusedEvent]) -> None:
    RefusedEvent.objects.bulk_create(refusals)
    SecurityEvent.objects.bulk_create(
        SecurityEvent(
            kind=SecurityEvent.Kind.HISTORY_REFUSED,
            detail=(
                f"{r.event_table} #{r.event_pgh_id}: {r.get_reason_display()}"
                f" (claims {r.event_time.isoformat() if r.event_time else '-'};"
                f" run {r.run})"
            ),
        )
        for r in refusals
    )
    for r in refusals:
        logger.error(
            "Audit sealer refused %s #%s: %s", r.event_table, r.event_pgh_id, r.reason
        )


@transaction.atomic
def seal_new_events(*, batch_size: int = BATCH_SIZE) -> SealResult:
    """Append every committed event not yet sealed to the chain, refusing the
    ones that cannot be genuine (see the module's docstring).

    Returns how many were sealed and refused, and the latest chain digest and
    position (GENESIS and 0 while the ledger is empty). One transaction: a run
    that fails leaves the ledger as it was, and the next run starts from there.
    """
    _lock()  # before reading the tail: the previous sealer has committed
    snapshot_text, sealed_at, own_xid, next_xid = _current_snapshot()
    reference = own_xid
    judge = Judge.load()
    tail = (
        AuditSeal.objects.order_by("-position")
        .values_list("position", "chain_digest")
        .first()
    )
    position, chain = tail or (0, GENESIS)
    first = position + 1
    run_number = (
        SealRun.objects.order_by("-number").values_list("number", flat=True).first()
        or 0
    ) + 1
    sealed = 0
    batch: list[AuditSeal] = []
    refusals: list[RefusedEvent] = []
    with contextlib.ExitStack() as stack:
        streams = [
            unsealed_events(stack.enter_context(connection.chunked_cursor()), t)
            for t in tables().values()
        ]
        # Each stream is sorted by (written, its label, id): a k-way merge
        # gives the run's order without sorting everything in memory.
        for (written_at, label, row_id), writer, xmin, digest in heapq.merge(*streams):
            reason = judge.refusal(writer, full_xid(xmin, reference), written_at)
            if reason:
                refusals.append(
                    RefusedEvent(
                        event_table=label,
                        event_pgh_id=row_id,
                        event_time=written_at,
                        reason=reason,
                        run=run_number,
                        refused_at=sealed_at,
                    )
                )
                continue
            position += 1
            chain = chain_link(chain, digest)
            batch.append(
                AuditSeal(
                    position=position,
                    event_table=label,
                    event_pgh_id=row_id,
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
    if sealed or refusals:
        run = SealRun.objects.create(
            number=run_number,
            sealed_at=sealed_at,
            snapshot=snapshot_text,
            sealer_xid=own_xid,
            next_xid=next_xid,
            first_position=first if sealed else None,
            last_position=position if sealed else None,
            chain_digest=chain,
            sealed=sealed,
            refused=len(refusals),
        )
        if refusals:
            _refuse(refusals)
        if sealed:
            transaction.on_commit(lambda: anchors.record_run(run))
    return SealResult(
        sealed=sealed, chain_digest=chain, position=position, refused=len(refusals)
    )


def latest_seal() -> Seal | None:
    """(position, chain_digest, sealed_at) of the chain's last link, or None
    before the first seal."""
    row = (
        AuditSeal.objects.order_by("-position")
        .values_list("position", "chain_digest", "sealed_at")
        .first()
    )
    return Seal(*row) if row else None
