from celery import shared_task

from .services import (
    dependencies_check,
    evidence_sweep,
    forecast_refresh,
    lights_refresh,
    lights_refresh_expired,
)


@shared_task(name="tracker.sweep_evidence_uploads")
def sweep_evidence_uploads() -> dict:
    """Delete evidence uploads no progress update named within a day, and
    their files, so that storage does not fill up. Scheduled hourly by beat
    (migration 0008, editable in the admin); safe to run twice or at once."""
    return {"deleted": evidence_sweep()}


@shared_task(name="tracker.refresh_lights")
def refresh_lights() -> dict:
    """Store the light of every open task and its milestones for the new day:
    the light depends on the date (a due date passes, a milestone comes
    within the amber window). Then the dependencies' slips for the new day
    (a blocker past its due date turns red; the dependents it holds up turn
    amber, their stored light written again) and every item's forecast,
    which moves with the date too. Scheduled by beat just after midnight
    Asia/Shanghai (migration 0018, editable in the admin); safe to run twice
    or at once (upserts, and the dependencies are locked while checked)."""
    tasks = lights_refresh(open_only=True)
    slips = dependencies_check()
    return {"tasks": tasks, **slips, "forecasts": forecast_refresh()}


@shared_task(name="tracker.refresh_expired_light_overrides")
def refresh_expired_light_overrides() -> dict:
    """Store the light of the tasks whose light override has expired: from
    that moment the computed light is the light again. Every five minutes."""
    return {"tasks": lights_refresh_expired()}
