"""Celery tasks of the 督办 ledger: thin wrappers over the services, safe to
run twice."""

import datetime as dt

from celery import shared_task

from .services.ladder import reminder_ladder_run


@shared_task(name="supervision.run_reminder_ladder", acks_late=True)
def run_reminder_ladder(day: str | None = None) -> dict:
    """The daily reminder ladder. Beat queues it every day at 09:00
    Asia/Shanghai (migration 0004); `day` (ISO date) defaults to today there.
    Safe to run twice, or late: each rung fires once per due date (the overdue
    reminder once per day) and each person hears of an item once a day,
    unique constraints both."""
    today = dt.date.fromisoformat(day) if day else None
    return reminder_ladder_run(today=today).as_dict()
