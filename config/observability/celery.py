"""The worker's side: task metrics from Celery's signals, the id of the
request that queued a task carried in the message's headers, and the
logging of a worker started with LOG_FORMAT=json.

Connected by config.celery when the app is made, in the web (publishing)
and in the worker (running), prefork children included."""

from __future__ import annotations

import logging
import time

from celery import signals
from celery.worker.request import Request

from . import logs, metrics

# The message header the id of the request behind a task travels in.
REQUEST_ID_HEADER = "tracker_request_id"

log = logging.getLogger("config.worker")

_started: dict[str, float] = {}


def _task_name(sender=None, task=None) -> str:
    one = task or sender
    return getattr(one, "name", None) or str(one)


class ObservedRequest(Request):
    """The worker's view of a message (Task.Request, config.celery): it
    remembers which request queued each task it receives, for the lines the
    worker writes about the task outside its run ("Task … received")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request_id = self._request_dict.get(REQUEST_ID_HEADER)
        if request_id:
            logs.remember_task(self.id, name=self.name, request_id=request_id)


@signals.before_task_publish.connect(dispatch_uid="observability.publish")
def _carry_request_id(sender=None, headers=None, **kwargs):
    request_id = logs.current_request_id()
    if request_id and headers is not None and REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = request_id


@signals.task_prerun.connect(dispatch_uid="observability.prerun")
def _task_started(sender=None, task_id=None, task=None, **kwargs):
    _started[task_id] = time.perf_counter()
    request = getattr(task, "request", None)
    logs.enter_task(
        task=_task_name(sender, task),
        task_id=task_id,
        request_id=getattr(request, REQUEST_ID_HEADER, None),
    )


@signals.task_postrun.connect(dispatch_uid="observability.postrun")
def _task_finished(sender=None, task_id=None, task=None, state=None, **kwargs):
    name = _task_name(sender, task)
    started = _started.pop(task_id, None)
    if started is not None:
        metrics.TASK_DURATION.labels(name).observe(time.perf_counter() - started)
    metrics.TASKS.labels(name, (state or "unknown").lower()).inc()
    logs.leave_task()


@signals.task_failure.connect(dispatch_uid="observability.failure")
def _task_failed(sender=None, exception=None, **kwargs):
    metrics.TASK_FAILURES.labels(_task_name(sender), type(exception).__name__).inc()


def use_django_logging() -> None:
    """With LOG_FORMAT=json the worker keeps Django's LOGGING (JSON lines)
    instead of Celery's own text format, and prints nothing of its own (the
    banner, the warm shutdown notice): every line it writes is then one JSON
    object. Celery's warnings (running as root, say) become log lines too."""

    def configure() -> None:
        from logging.config import dictConfig

        from django.conf import settings

        dictConfig(settings.LOGGING)
        logging.captureWarnings(True)

    @signals.celeryd_init.connect(weak=False, dispatch_uid="observability.init")
    def _early(**kwargs):
        configure()  # before the worker's first warning

    @signals.setup_logging.connect(weak=False, dispatch_uid="observability.logging")
    def _keep_django_logging(**kwargs):
        configure()

    @signals.celeryd_after_setup.connect(
        weak=False, dispatch_uid="observability.banner"
    )
    def _quiet(sender=None, instance=None, **kwargs):
        instance.quiet = True
        tweaks = instance.install_platform_tweaks

        def quiet_tweaks(worker):
            from celery.apps import worker as celery_worker

            tweaks(worker)
            # The same SIGTERM handler, without its print to stdout.
            celery_worker.install_worker_term_handler(worker, verbose=False)

        instance.install_platform_tweaks = quiet_tweaks
        log.info(
            "worker %s starting: queues %s",
            sender,
            ", ".join(sorted(instance.app.amqp.queues.consume_from or ())),
        )

    @signals.worker_shutting_down.connect(
        weak=False, dispatch_uid="observability.shutdown"
    )
    def _shutting_down(sender=None, sig=None, how=None, **kwargs):
        log.info("worker %s: %s shutdown (%s)", sender, how, sig)
