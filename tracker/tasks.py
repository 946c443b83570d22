from celery import shared_task

from .services import evidence_sweep


@shared_task(name="tracker.sweep_evidence_uploads")
def sweep_evidence_uploads() -> dict:
    """Delete evidence uploads no progress update named within a day, and
    their files, so that storage does not fill up. Scheduled hourly by beat
    (migration 0008, editable in the admin); safe to run twice or at once."""
    return {"deleted": evidence_sweep()}
