"""The unread count in every page's header."""

import functools

from .selectors import unread_count


def unread_notifications(request):
    """`unread_notifications`: the signed-in user's unread count. A template
    calls it when it first shows it (one COUNT on a partial index) and every
    later use reads the same answer, so a page that does not show it (the
    admin's) costs nothing and one that shows it thrice costs one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def count() -> int:
        return unread_count(user=user)

    return {"unread_notifications": count}
