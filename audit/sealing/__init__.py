"""Tamper evidence: one SHA-256 hash chain over every audit event table and
the security events, with its heads kept outside the database.

- digests.py: what is sealed and the recipe of the digests (anyone can
  recompute them with other tools);
- sealer.py: beat's hourly run, in commit order, refusing back-dated rows;
- anchors.py: the heads kept outside (anchor file, reports, mail) and where
  to find them again;
- verify.py: ``manage.py audit_verify``, which lists every finding.

The event tables refuse UPDATE and DELETE, and the application's role may not
write them at all; their owner still can, with the triggers disabled. The
chain makes such an edit visible afterwards.
"""

from .anchors import Anchor
from .digests import (
    GENESIS,
    canonical_json,
    chain_link,
    event_digest,
    event_digests,
    event_models,
    sealed_models,
)
from .sealer import (
    BATCH_SIZE,
    LOCK_KEY,
    Seal,
    SealResult,
    latest_seal,
    seal_new_events,
    unsealed_count,
)
from .verify import (
    CHANGED,
    CONTEXT,
    INSERTED,
    LEDGER_CUT,
    MISSING,
    REORDERED,
    RESEALED,
    REWRITTEN,
    UNREADABLE,
    Finding,
    Verification,
    verify_chain,
)

__all__ = [
    "BATCH_SIZE",
    "CHANGED",
    "CONTEXT",
    "GENESIS",
    "INSERTED",
    "LEDGER_CUT",
    "LOCK_KEY",
    "MISSING",
    "REORDERED",
    "RESEALED",
    "REWRITTEN",
    "UNREADABLE",
    "Anchor",
    "Finding",
    "Seal",
    "SealResult",
    "Verification",
    "canonical_json",
    "chain_link",
    "event_digest",
    "event_digests",
    "event_models",
    "latest_seal",
    "seal_new_events",
    "sealed_models",
    "unsealed_count",
    "verify_chain",
]
