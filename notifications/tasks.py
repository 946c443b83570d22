"""Celery tasks: thin wrappers over notifications/mail.py, safe to run twice.
A mail server that refuses or cannot be reached (OSError, as smtplib's errors
are) is tried again with backoff; what was sent already is not sent again."""

import datetime as dt

from celery import shared_task

from . import mail


@shared_task(
    name=mail.SEND_TASK,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=mail.MAX_ATTEMPTS - 1,
)
def send_mail(notification_ids: list[int]) -> int:
    return mail.mail_send(notification_ids=notification_ids)


@shared_task(name="notifications.sweep_mail", acks_late=True)
def sweep_mail() -> dict[str, int]:
    """Beat, every five minutes (migration 0003)."""
    return mail.mail_sweep()


@shared_task(
    name=mail.DIGEST_TASK,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def send_digests(day: str | None = None) -> int:
    """Beat, daily at 17:30 Asia/Shanghai (migration 0003); `day` (ISO date)
    defaults to today there."""
    return mail.digest_send(day=dt.date.fromisoformat(day) if day else None)
