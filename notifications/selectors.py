from accounts.models import User

from .models import Notification


def notification_list_for_user(*, user: User):
    return Notification.objects.filter(recipient=user).select_related("task", "actor")


def unread_count(*, user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
