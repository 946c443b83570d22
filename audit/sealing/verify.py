"""Verification: everything the ledger says, checked against what is there.

:func:`verify_chain` walks the whole ledger from the genesis, recomputing each
sealed row's digest and each chain link, and lists every finding rather than
stopping at the first:

- changed: the row's digest is not the one sealed (in any of the forms the
  row had before columns were added to its table: schema.py);
- missing: the sealed row is gone;
- reordered: an entry sits at another position than the one it was sealed at
  (the chain does not follow, the row was sealed elsewhere, or a run is out of
  its strict order);
- inserted: a history row the sealer refused, or would refuse, as put in
  behind the triggers' back (see sealer.py);
- context: a row whose context does not carry the application's signature
  for the session that wrote it (audit/context.py);
- ledger cut: positions a digest kept outside names are not in the ledger (or
  positions missing in its middle);
- ledger rewritten: the chain digest at a position differs from the one kept
  outside;
- sealed anew: the digest matches but the position was sealed at another time
  than the one kept outside (the ledger was emptied and sealed again).

Digests kept outside come from the anchor file, the stored reports, the
sealing runs and ``--expect`` (anchors.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import defaultdict
from typing import Any

from django.db import connection, transaction

from audit.context import is_signed_for, session_of
from audit.models import AuditSeal, RefusedEvent, SealRun

from . import anchors as anchor_sources
from .anchors import Anchor
from .digests import GENESIS, Table, chain_link, event_digests, tables
from .sealer import BATCH_SIZE, Judge, full_xid, not_sealed

CHANGED = "changed"
MISSING = "missing"
REORDERED = "reordered"
INSERTED = "inserted"
CONTEXT = "context not the application's"
LEDGER_CUT = "ledger cut"
REWRITTEN = "ledger rewritten"
RESEALED = "sealed anew"
UNREADABLE = "anchor unreadable"


@dataclasses.dataclass(frozen=True)
class Finding:
    position: int  # where in the chain; for a range, its first position
    table: str | None
    pgh_id: int | None
    kind: str
    detail: str
    last_position: int | None = None  # the end of a range of positions

    @property
    def positions(self) -> str:
        if self.last_position and self.last_position != self.position:
            return f"positions {self.position}–{self.last_position}"
        return f"position {self.position}"

    def __str__(self) -> str:
        event = f" ({self.table} #{self.pgh_id})" if self.table else ""
        return f"{self.positions}{event}: {self.kind}: {self.detail}"


@dataclasses.dataclass(frozen=True)
class Verification:
    verified: int  # ledger entries walked: the ledger's last position
    intact: int  # positions before the first finding (all of them when ok)
    chain_digest: str  # the chain digest at the ledger's end (GENESIS if empty)
    unsealed: int  # rows not in the ledger yet; not a failure by itself
    findings: list[Finding]
    anchors: int  # digests kept outside that were checked
    direct_changes: int  # sealed rows written with no application context

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def mismatch(self) -> Finding | None:
        return self.findings[0] if self.findings else None


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
    tables_: dict[str, Table], entries: list[tuple]
) -> dict[tuple[str, int], tuple[tuple, str, dict[str, Any]]]:
    """(label, id) → (order key, digests it may have been sealed with, row) of the rows that
    `entries` refer to: one query per table per chunk of the ledger."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        if entry[1] in tables_:
            wanted[entry[1]].append(entry[2])
    found = {}
    with connection.cursor() as cursor:
        for label, ids in wanted.items():
            table = tables_[label]
            cursor.execute(
                f"{table.select()} WHERE {table.quoted(table.id_column)} = ANY(%s)",
                [ids],
            )
            for row in cursor.fetchall():
                record = table.record(row)
                found[(label, record[table.id_column])] = (
                    table.key(record),
                    event_digests(label, record),
                    record,
                )
    return found


def _context_is_foreign(record: dict[str, Any]) -> bool | None:
    """True when the row's context is not signed for its session; None when
    there is nothing to check (no context: a direct database change; no
    session: recorded before sessions were kept)."""
    if "pgh_context" not in record:
        return False
    context, session = record.get("pgh_context"), record.get("pgh_session")
    if not context:
        return None if session else False
    if not session:
        return False
    return not is_signed_for(context, session_of(session))


class _Walk:
    """The walk along the ledger, entry by entry."""

    def __init__(self, tables_: dict[str, Table], wanted: set[int]):
        self.tables = tables_
        self.wanted = wanted
        self.position, self.chain = 0, GENESIS
        self.previous: tuple = (None, None)  # sealed_at and order key
        # After a finding the previous entry is no reference: a reordered one
        # breaks the next link too, a changed row's time is not its own.
        self.previous_reordered = False
        self.previous_flagged = False
        self.findings: list[Finding] = []
        self.chain_at: dict[int, tuple[str, Any]] = {}
        self.direct = 0

    def entry(self, entry: tuple, found: dict) -> None:
        position, label, row_id, stored_digest, stored_chain, sealed_at = entry

        def finding(kind: str, detail: str) -> Finding:
            return Finding(position, label, row_id, kind, detail)

        problem = None
        if position != self.position + 1:
            self.findings.append(
                Finding(
                    self.position + 1,
                    None,
                    None,
                    LEDGER_CUT,
                    "these positions are not in the ledger",
                    last_position=position - 1,
                )
            )
        elif (
            not self.previous_reordered
            and chain_link(self.chain, stored_digest) != stored_chain
        ):
            problem = finding(
                REORDERED,
                f"the chain digest does not follow from position {position - 1}",
            )
        event = found.get((label, row_id))
        if problem is None and event is None:
            problem = finding(MISSING, "no such row (deleted?)")
        elif problem is None:
            key, digests, record = event
            digest = digests[0]
            if stored_digest not in digests:
                elsewhere = (
                    AuditSeal.objects.filter(event_digest=digest)
                    .exclude(position=position)
                    .values_list("position", flat=True)
                    .first()
                )
                problem = (
                    finding(REORDERED, f"this row was sealed at position {elsewhere}")
                    if elsewhere is not None
                    else finding(
                        CHANGED,
                        f"its digest is now {digest}, sealed as {stored_digest}",
                    )
                )
            elif (
                not self.previous_flagged
                and self.previous[0] == sealed_at
                and key <= self.previous[1]
            ):
                # One run seals in strict (written, table, id) order, so this
                # catches a reordering even when the chain was recomputed.
                problem = finding(REORDERED, "out of order within its sealing run")
            else:
                foreign = _context_is_foreign(record)
                if foreign is None:
                    self.direct += 1
                elif foreign:
                    problem = finding(
                        CONTEXT,
                        "its context (user "
                        f"{(record['pgh_context'] or {}).get('user')!r}) was not "
                        "signed by the application for the session that wrote it",
                    )
        if problem is not None:
            self.findings.append(problem)
        self.previous_flagged = problem is not None
        self.previous_reordered = problem is not None and problem.kind == REORDERED
        self.previous = (sealed_at, event[0] if event else self.previous[1])
        self.position, self.chain = position, stored_chain
        if position in self.wanted:
            self.chain_at[position] = (stored_chain, sealed_at)


def _runs() -> list[tuple[Any, int]]:
    """(sealed_at, first position) of the runs that sealed something."""
    return list(
        SealRun.objects.filter(first_position__isnull=False)
        .order_by("number")
        .values_list("sealed_at", "first_position")
    )


def _place(runs: list[tuple[Any, int]], claimed, end: int) -> int:
    """Where a row claiming this time would sit: the first position of the
    first run after it (or just after the ledger's end)."""
    for sealed_at, first in runs:
        if claimed is not None and claimed < sealed_at:
            return first
    return end + 1


def _inserted(tables_: dict[str, Table], end: int) -> tuple[list[Finding], int]:
    """Rows refused by the sealer, and unsealed rows it would refuse now;
    and how many other rows are simply not sealed yet."""
    runs = _runs()
    findings = [
        Finding(
            _place(runs, r.event_time, end),
            r.event_table,
            r.event_pgh_id,
            INSERTED,
            f"refused by sealing run #{r.run}: {r.get_reason_display()}"
            f" (it claims {r.event_time.isoformat() if r.event_time else '-'})",
        )
        for r in RefusedEvent.objects.order_by("run", "event_table", "event_pgh_id")
    ]
    judge = Judge.load()
    with connection.cursor() as cursor:
        # Read-only: no transaction id of its own; the snapshot's xmax is
        # near enough to place 32-bit ids.
        cursor.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
        reference = cursor.fetchone()[0]
        unsealed = 0
        for table in tables_.values():
            time, row_id = (
                table.quoted(table.time_column),
                table.quoted(table.id_column),
            )
            cursor.execute(
                f"SELECT {row_id}, {time}, {table.writer_xid()},"  # noqa: S608
                " e.xmin::text::bigint"
                f" FROM {connection.ops.quote_name(table.db_table)} e"
                f" WHERE {not_sealed(table)} ORDER BY {time}, {row_id}",
                [table.label, table.label],
            )
            for pk, written_at, writer, xmin in cursor.fetchall():
                reason = judge.refusal(writer, full_xid(xmin, reference), written_at)
                if not reason:
                    unsealed += 1
                else:
                    findings.append(
                        Finding(
                            _place(runs, written_at, end),
                            table.label,
                            pk,
                            INSERTED,
                            f"not sealed, and the next run will refuse it:"
                            f" {RefusedEvent.Reason(reason).label}"
                            f" (it claims {written_at.isoformat()})",
                        )
                    )
    return findings, unsealed


def _sources(anchors: list[Anchor]) -> str:
    names = [a.source for a in anchors]
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _against_anchors(
    anchors: list[Anchor], chain_at: dict[int, tuple[str, Any]], end: int
) -> list[Finding]:
    """The ledger against the heads kept outside. A head that disagrees is
    named with the stretch of the ledger it covers: from just after the
    previous head kept to its own position. A change there makes every later
    head disagree too; they are counted, not listed again."""
    findings = []
    beyond = [a for a in anchors if a.position > end]
    if beyond:
        findings.append(
            Finding(
                end + 1,
                None,
                None,
                LEDGER_CUT,
                f"the ledger ends at position {end}; heads kept outside name"
                f" positions up to {max(a.position for a in beyond)}"
                f" (from {_sources(beyond)})",
                last_position=max(a.position for a in beyond),
            )
        )
    within = sorted((a for a in anchors if a.position <= end), key=lambda a: a.position)
    positions = sorted({a.position for a in within})
    before = dict(zip(positions, [0, *positions], strict=False))
    rewritten = [a for a in within if chain_at[a.position][0] != a.chain_digest]
    resealed = [
        a
        for a in within
        if a not in rewritten
        and a.sealed_at is not None
        and chain_at[a.position][1] != a.sealed_at
    ]
    for kind, disagreeing in ((REWRITTEN, rewritten), (RESEALED, resealed)):
        if not disagreeing:
            continue
        first = disagreeing[0].position
        here = [a for a in disagreeing if a.position == first]
        later = len({a.position for a in disagreeing} - {first})
        chain, sealed_at = chain_at[first]
        if kind == REWRITTEN:
            what = (
                f"the chain digest at position {first} is {chain};"
                f" kept outside: {here[0].chain_digest}"
            )
        else:
            what = (
                f"position {first} was sealed at {sealed_at.isoformat()};"
                f" kept outside: sealed at {here[0].sealed_at.isoformat()}"
            )
        if later:
            what += f"; {later} later heads disagree too"
        findings.append(
            Finding(
                before[first] + 1,
                None,
                None,
                kind,
                f"{what} (from {_sources(here)})",
                last_position=first,
            )
        )
    return findings


def _intact(findings: list[Finding], end: int) -> int:
    """The positions before the first finding about the ledger's own entries
    (a row refused or awaiting refusal does not make sealed entries doubtful)."""
    about_entries = [
        f.position for f in findings if f.kind not in (INSERTED, UNREADABLE)
    ]
    return max(min(about_entries) - 1, 0) if about_entries else end


def gather_anchors(
    expect: tuple[int, str] | None = None,
) -> tuple[list[Anchor], list[str]]:
    found, unreadable = anchor_sources.from_file()
    found += anchor_sources.from_reports() + anchor_sources.from_report_files()
    found += anchor_sources.from_runs()
    if expect:
        found.append(Anchor(expect[0], expect[1].lower(), None, "--expect"))
    return found, unreadable


def verify_chain(
    *, expect: tuple[int, str] | None = None, chunk_size: int = BATCH_SIZE
) -> Verification:
    """Check the whole ledger and every row it seals, the rows it does not,
    and the digests kept outside; list every finding (see the module)."""
    with _snapshot():
        tables_ = tables()
        anchors, unreadable = gather_anchors(expect)
        walk = _Walk(tables_, {a.position for a in anchors})
        ledger = AuditSeal.objects.order_by("position").values_list(
            "position",
            "event_table",
            "event_pgh_id",
            "event_digest",
            "chain_digest",
            "sealed_at",
        )
        last = 0
        while entries := list(ledger.filter(position__gt=last)[:chunk_size]):
            last = entries[-1][0]
            found = _fetch(tables_, entries)
            for entry in entries:
                walk.entry(entry, found)
        inserted, unsealed = _inserted(tables_, walk.position)
        findings = walk.findings + inserted
        findings += _against_anchors(anchors, walk.chain_at, walk.position)
        findings += [
            Finding(0, None, None, UNREADABLE, f"{where} is not a chain head line")
            for where in unreadable
        ]
    findings.sort(key=lambda f: (f.position, f.table or "", f.pgh_id or 0, f.kind))
    return Verification(
        verified=walk.position,
        intact=_intact(findings, walk.position),
        chain_digest=walk.chain,
        unsealed=unsealed,
        findings=findings,
        anchors=len(anchors),
        direct_changes=walk.direct,
    )
