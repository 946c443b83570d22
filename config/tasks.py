from celery import shared_task

from accounts.selectors import party_count


@shared_task(name="core.ping")
def ping() -> dict:
    """Health probe: proves a worker is up and can read the database."""
    return {"pong": True, "parties": party_count()}
