"""A worker that starts sweeps once: reports whose worker died (a restart after
a crash, say) are queued again at once rather than at the next sweep."""

import logging

from celery.signals import worker_ready

log = logging.getLogger(__name__)


@worker_ready.connect
def sweep_on_start(sender=None, **kwargs):
    from .tasks import sweep_reports

    try:
        found = sweep_reports.run()
    except Exception:
        log.exception("the start-up report sweep failed; beat's sweep will retry")
        return
    if any(found.values()):
        log.warning("re-queued reports at start-up: %s", found)
