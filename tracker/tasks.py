from celery import shared_task
from django.db import OperationalError, transaction
from django.utils import timezone

from .services import (
    dependencies_check,
    evidence_sweep,
    forecast_refresh,
    lights_refresh,
    tally_compact,
)
from .services.lights import expired_override_tasks


@shared_task(name="tracker.sweep_evidence_uploads")
def sweep_evidence_uploads() -> dict:
    """Delete evidence uploads no progress update named within a day, and
    their files, so that storage does not fill up. Scheduled hourly by beat
    (migration 0008, editable in the admin); safe to run twice or at once."""
    return {"deleted": evidence_sweep()}


@shared_task(
    name="tracker.refresh_lights",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def refresh_lights() -> dict:
    """Store the light of every open task and its milestones for the new day:
    the light depends on the date (a due date passes, a milestone comes
    within the amber window). Then the dependencies' slips for the new day
    (a blocker past its due date turns red; the dependents it holds up turn
    amber, their stored light written again) and every item's forecast,
    which moves with the date too. Scheduled by beat just after midnight
    Asia/Shanghai (migration 0018, editable in the admin); safe to run twice
    or at once (upserts; see dependencies_check). A deadlock with a write of
    the same moment is retried."""
    today = timezone.localdate()
    tasks = lights_refresh(open_only=True, today=today)
    slips = dependencies_check(today=today)
    # The day's light changes, each a row of the light counts, folded.
    counts = tally_compact()
    return {
        "tasks": tasks,
        **slips,
        "forecasts": forecast_refresh(),
        "light_count_rows": counts,
    }


@shared_task(
    name="tracker.refresh_expired_light_overrides",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def refresh_expired_light_overrides() -> dict:
    """Store the light of the tasks whose light override has expired: from
    that moment the computed light is the light again, and a blocker's light
    may hold its dependents up, or let them go. Every five minutes."""
    with transaction.atomic():
        ids = expired_override_tasks()
        tasks = lights_refresh(task_ids=ids)
        if ids:
            dependencies_check(task_ids=ids)
    return {"tasks": tasks}
