"""Every read of notifications, scoped to the person they were written for:
another person's notification does not exist for you (404)."""

from __future__ import annotations

from accounts.models import User
from config.exceptions import NotFound

from .models import Notification


def notification_list_for_user(*, user: User, unread: bool | None = None):
    """The notification centre: the user's in-app notifications, newest first.
    Two joins, no query per row."""
    qs = Notification.objects.filter(recipient=user, in_app=True).select_related(
        "task", "actor"
    )
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def notification_get_for_user(*, user: User, notification_id) -> Notification:
    """One of the user's own notifications (in the centre or mailed only)."""
    try:
        pk = int(notification_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**63:  # beyond the id column's range: nobody's
        raise NotFound()
    row = (
        Notification.objects.filter(recipient=user, pk=pk)
        .select_related("task", "actor")
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def unread_count(*, user: User) -> int:
    """One COUNT on the partial index of unread in-app rows."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(
        recipient=user, in_app=True, read_at__isnull=True
    ).count()
