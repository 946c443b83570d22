"""The worker's side of large exports (thin: the service does the work)."""

from celery import shared_task


@shared_task(acks_late=True)
def run_export_job(job_id: int) -> str:
    from .jobs import export_job_run

    return export_job_run(job_id=job_id).status
