"""The unread count in every page's header."""

import functools
import logging

from django.db import DatabaseError

from .selectors import unread_count

log = logging.getLogger(__name__)


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
        try:
            return unread_count(user=user)
        except DatabaseError:
            # An error page rendered after the database failed must still
            # render: the badge is not worth a second failure.
            log.warning("the unread count could not be read", exc_info=True)
            return 0

    return {"unread_notifications": count}
