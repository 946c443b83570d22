from celery import shared_task

from .sealing import seal_new_events


@shared_task(name="audit.seal_events")
def seal_events() -> dict:
    """Seal the audit events written since the last run. Beat queues it hourly
    (migration 0003); safe to run twice or concurrently: the sealer takes an
    advisory lock and the ledger seals each event once (unique constraint)."""
    result = seal_new_events()
    return {
        "sealed": result.sealed,
        "refused": result.refused,
        "position": result.position,
        "chain_digest": result.chain_digest,
    }
