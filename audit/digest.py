"""The chain digest leaves the system, the moment it is made.

An audit trail whose only record of itself is inside the database can be cut
short or rewritten from some point on, and re-sealed, without a trace. So the
chain's head (`audit.sealing.latest_seal`) is copied out **into every report**,
when its snapshot is frozen: the snapshot keeps it under ``"audit_seal"`` (see
`seal_as_json` for the shape), and the HTML, PDF and workbook print it. A
report on someone's desk then says how far the ledger reached on that day, and
`audit_verify --expect` checks the ledger still reaches it.
"""

from __future__ import annotations

import datetime as dt

from .sealing import Seal, latest_seal

SNAPSHOT_KEY = "audit_seal"


# --- the head, as reports keep it ----------------------------------------------------


def seal_as_json(seal: Seal | None) -> dict | None:
    """``{"position": 12345, "chain_digest": "<64 lowercase hex>",
    "sealed_at": "2026-12-03T01:05:00.123456+00:00"}`` (UTC, ISO 8601 with
    microseconds, as the sealing recipe writes times), or None before the
    first seal."""
    if seal is None:
        return None
    return {
        "position": int(seal.position),
        "chain_digest": seal.chain_digest.lower(),
        "sealed_at": seal.sealed_at.astimezone(dt.UTC).isoformat(
            timespec="microseconds"
        ),
    }


def seal_from_json(data: dict | None) -> Seal | None:
    """The Seal a report's snapshot recorded (None when it recorded none)."""
    if not data:
        return None
    return Seal(
        position=int(data["position"]),
        chain_digest=str(data["chain_digest"]).lower(),
        sealed_at=dt.datetime.fromisoformat(data["sealed_at"]),
    )


def seal_for_snapshot() -> dict | None:
    """The chain head now, for a report's snapshot (read in its transaction)."""
    return seal_as_json(latest_seal())
