"""Celery tasks: thin, safe to run twice (the claim in services makes the
second run of an attempt find nothing due)."""

from celery import shared_task


@shared_task(name="notifications.deliver_webhook", acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: int) -> str | None:
    from .services import webhook_delivery_attempt

    return webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name="notifications.sweep_webhooks", acks_late=True)
def sweep_webhooks() -> dict[str, int]:
    from .services import webhook_delivery_sweep

    return webhook_delivery_sweep()
