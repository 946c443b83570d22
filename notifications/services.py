"""Every write to notifications. Sending on other channels happens in the
worker, queued when the transaction that wrote the notification commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import Notification
from .webhooks.services import webhook_queue


@transaction.atomic
def notify(
    *,
    event: str,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    task=None,
    link: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """One notification per recipient (the actor is never told of their own
    act), written in the caller's transaction so it exists only if the act
    does."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                event=event,
                task=task,
                actor=actor,
                title=title[:200],
                body=body,
                link=link,
            )
        )
    webhook_queue(event=event, title=title, body=body, link=link, task=task)
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> bool:
    return bool(
        Notification.objects.filter(
            pk=notification.pk, recipient=user, read_at__isnull=True
        ).update(read_at=timezone.now())
    )


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
