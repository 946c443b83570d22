"""Context for writes made outside a web request: Celery tasks."""

import pghistory
from celery.signals import task_postrun, task_prerun

_contexts: dict[str, pghistory.context] = {}


@task_prerun.connect
def _enter_task_context(task_id=None, task=None, **kwargs):
    ctx = pghistory.context(source="celery", task=task.name, task_id=task_id)
    ctx.__enter__()
    _contexts[task_id] = ctx


@task_postrun.connect
def _exit_task_context(task_id=None, **kwargs):
    ctx = _contexts.pop(task_id, None)
    if ctx is not None:
        ctx.__exit__(None, None, None)
