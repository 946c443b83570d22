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


@shared_task(
    name="audit.deliver_digest",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def deliver_digest(day: str | None = None) -> int:
    """Mail the chain head to each subscribed auditor. Beat queues it daily at
    08:30 Asia/Shanghai (migration 0007); `day` (ISO date) defaults to today
    there. Safe to run twice: one delivery row per (user, day), each sent once
    under its row lock. A mail server that refuses (OSError) is tried again;
    the mails already sent are not."""
    import datetime as dt

    from .digest import digest_deliver

    return digest_deliver(day=dt.date.fromisoformat(day) if day else None)
