from celery import shared_task

from accounts.selectors import party_count
from config.api.idempotency import idempotency_records_purge


@shared_task(name="core.ping")
def ping() -> dict:
    """Health probe: proves a worker is up and can read the database."""
    return {"pong": True, "parties": party_count()}


@shared_task(name="core.purge_idempotency_records")
def purge_idempotency_records() -> dict:
    """Delete Idempotency-Key records past IDEMPOTENCY_TTL_HOURS. Scheduled by an
    administrator in django-celery-beat; safe to run twice or concurrently."""
    return {"deleted": idempotency_records_purge()}
