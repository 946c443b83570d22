"""Celery: the dry run and the import of a large file, safe to run twice (a
finished import is left as it is)."""

import logging

from celery import shared_task

from . import services

log = logging.getLogger(__name__)


@shared_task(name="imports.run_import", acks_late=True)
def run_import(job_id: int, commit: bool) -> str | None:
    try:
        job = services.import_job_run(job_id=job_id, commit=commit)
    except Exception:
        # Nothing was kept (the import is one transaction); the job must not
        # stay "checking" or "importing" for ever on the page.
        log.exception("import %s failed", job_id)
        services.import_job_fail(job_id=job_id)
        return "failed"
    return job.status if job is not None else None
