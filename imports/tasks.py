"""Celery: the dry run and the import of a large file, safe to run twice (a
finished import is left as it is)."""

from celery import shared_task

from . import services


@shared_task(name="imports.run_import", acks_late=True)
def run_import(job_id: int, commit: bool) -> str | None:
    job = services.import_job_run(job_id=job_id, commit=commit)
    return job.status if job is not None else None
