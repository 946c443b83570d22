"""The worker sweeps whenever it (re)connects to the broker (see
config.celery.SweepReportsOnConnect): reports whose worker died, or that could
not be handed to the broker while it was away, are queued at once rather than
at beat's next sweep."""

import logging

from django.db import close_old_connections

log = logging.getLogger(__name__)


def sweep_after_connect() -> None:
    from .tasks import sweep_reports

    # The worker's main process may have held its connection through a long
    # outage; a dead one must not make the sweep fail.
    close_old_connections()
    try:
        found = sweep_reports.run()
    except Exception:
        log.exception("the report sweep on connecting failed; beat's sweep will retry")
        return
    if any(found.values()):
        log.warning("re-queued reports on connecting to the broker: %s", found)
