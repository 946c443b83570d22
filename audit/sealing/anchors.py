"""Chain digests kept outside the ledger, and where to find them again.

Each run's head digest leaves the database as soon as it is made:

- one line in the anchor file (``AUDIT_ANCHOR_PATH``, appended to and synced
  after the run commits; make it append-only at the OS level, e.g.
  ``chattr +a``, or on another machine's mount);
- in every report generated afterwards (``Report.snapshot["audit_seal"]``,
  printed in its HTML, PDF and XLSX);
- in the daily mail to the auditors who asked for it.

``audit_verify`` checks the ledger against every one it can find here, so a
ledger cut short, rewritten or emptied and sealed anew shows without anyone
passing a digest by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import re
from pathlib import Path

from django.conf import settings
from django.utils.dateparse import parse_datetime

logger = logging.getLogger(__name__)

_LINE = re.compile(
    r"^(?P<sealed_at>\S+)\tposition (?P<position>\d+)\tchain (?P<digest>[0-9a-f]{64})"
    r"(?:\trun (?P<run>\d+))?$"
)


@dataclasses.dataclass(frozen=True)
class Anchor:
    position: int
    chain_digest: str
    sealed_at: dt.datetime | None
    source: str  # where it was found, for the auditor


def _anchor(match: re.Match, source: str) -> Anchor:
    """A head read back from a line of the anchor file or a report's HTML (both
    patterns name the same groups)."""
    return Anchor(
        position=int(match["position"]),
        chain_digest=match["digest"],
        sealed_at=parse_datetime(match["sealed_at"]),
        source=source,
    )


def anchor_path() -> Path | None:
    path = getattr(settings, "AUDIT_ANCHOR_PATH", None)
    return Path(path) if path else None


def format_line(*, position: int, chain_digest: str, sealed_at, run: int) -> str:
    return (
        f"{sealed_at.astimezone(dt.UTC).isoformat(timespec='microseconds')}"
        f"\tposition {position}\tchain {chain_digest}\trun {run}\n"
    )


def record_run(run) -> None:
    """Append the run's head to the anchor file. Called after the run has
    committed; a failure is logged, not raised: the ledger is already right,
    and the next run's line covers this one's (the chain includes it)."""
    path = anchor_path()
    if path is None or run.last_position is None:
        return
    line = format_line(
        position=run.last_position,
        chain_digest=run.chain_digest,
        sealed_at=run.sealed_at,
        run=run.number,
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line.encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        logger.exception("Could not append the audit chain head to %s", path)


def from_file(path: Path | None = None) -> tuple[list[Anchor], list[str]]:
    """The anchors in the file, and the lines that could not be read."""
    path = path or anchor_path()
    if path is None or not path.exists():
        return [], []
    found, unreadable = [], []
    with path.open(encoding="ascii", errors="replace") as f:
        for number, line in enumerate(f, start=1):
            match = _LINE.match(line.rstrip("\n"))
            if match is None:
                if line.strip():
                    unreadable.append(f"{path}:{number}")
                continue
            found.append(_anchor(match, f"{path}:{number}"))
    return found, unreadable


def from_reports() -> list[Anchor]:
    """The chain heads printed in the generated reports."""
    from reports.models import Report

    found = []
    rows = (
        Report.objects.filter(snapshot__audit_seal__isnull=False)
        .values_list("pk", "snapshot__audit_seal")
        .order_by("pk")
    )
    for pk, seal in rows.iterator():
        if not isinstance(seal, dict):
            continue
        position, digest = seal.get("position"), seal.get("chain_digest")
        if not isinstance(position, int) or not isinstance(digest, str):
            continue
        found.append(
            Anchor(
                position=position,
                chain_digest=digest.lower(),
                sealed_at=parse_datetime(seal.get("sealed_at") or ""),
                source=f"report #{pk}",
            )
        )
    return found


_HTML = re.compile(
    r'data-audit-position="(?P<position>\d+)"\s+data-audit-chain="(?P<digest>[0-9a-f]{64})"'
    r'\s+data-audit-sealed-at="(?P<sealed_at>[^"]*)"'
)


def from_report_files() -> list[Anchor]:
    """The chain heads in the stored HTML renditions of the reports: files,
    not rows, so they hold what was printed even if the database is edited."""
    from reports.choices import ReportFormat
    from reports.models import ReportFile

    found = []
    files = ReportFile.objects.filter(format=ReportFormat.HTML).order_by("pk")
    for stored in files.iterator():
        try:
            with stored.file.open("rb") as f:
                text = f.read().decode("utf-8", errors="replace")
        except OSError:
            logger.warning("Report file %s could not be read", stored.file.name)
            continue
        match = _HTML.search(text)
        if match is None:
            continue
        found.append(_anchor(match, f"report file {stored.file.name}"))
    return found


def from_runs() -> list[Anchor]:
    """The heads the sealing runs recorded in the database: no protection
    against someone who rewrites both, but they catch a ledger edited alone."""
    from audit.models import SealRun

    return [
        Anchor(
            position=run.last_position,
            chain_digest=run.chain_digest,
            sealed_at=run.sealed_at,
            source=f"sealing run #{run.number}",
        )
        for run in SealRun.objects.filter(last_position__isnull=False).order_by(
            "number"
        )
    ]
