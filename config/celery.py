import logging
import os
from pathlib import Path

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Not an app of its own: the task list exports live inside tracker.
app.autodiscover_tasks(["tracker.exports"])

# Task metrics, and the request id carried from the web to the worker's logs.
from config.observability import celery as _observed  # noqa: E402

app.Task.Request = "config.observability.celery:ObservedRequest"

if os.environ.get("LOG_FORMAT", "").lower() == "json":
    _observed.use_django_logging()


def _prepare_filesystem_broker() -> None:
    """kombu's filesystem transport and the file result backend need their folders."""
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in (
        "data_folder_in",
        "data_folder_out",
        "processed_folder",
        "control_folder",
    ):
        Path(options[key]).mkdir(parents=True, exist_ok=True)
    Path(settings.CELERY_QUEUE_DIR / "results").mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _on_configure(sender, **kwargs):
    _prepare_filesystem_broker()


def publish(task, *, args: list, queue: str) -> None:
    """Hand a task to the broker once, within BROKER_PUBLISH_TIMEOUT seconds, or
    raise. For callers whose work is already a database row that something
    publishes again later: a web request must not wait out the broker's own
    reconnect loop (~6 s with Redis down), nor the result backend's (~20 s), so
    there is no retry and no result to subscribe to (the row is the result)."""
    from django.conf import settings

    timeout = settings.BROKER_PUBLISH_TIMEOUT
    with app.connection_for_write(
        connect_timeout=timeout,
        transport_options={
            "max_retries": 0,
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
        },
    ) as connection:
        task.apply_async(
            args=args,
            queue=queue,
            connection=connection,
            retry=False,
            ignore_result=True,
        )


class SweepReportsOnConnect(bootsteps.StartStopStep):
    """Every time the worker (re)connects to the broker, publish the reports that
    wait for it: those the web could not hand over while the broker was away,
    and those whose worker died. Runs at start-up and after every outage, so a
    report asked for during one is generated as soon as the broker is back."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, c):
        from reports.worker import sweep_after_connect

        sweep_after_connect()


app.steps["consumer"].add(SweepReportsOnConnect)


class SweepExportsOnConnect(bootsteps.StartStopStep):
    """Likewise for the task list's large exports still queued."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, c):
        from django.db import close_old_connections

        from tracker.exports.jobs import export_job_sweep

        close_old_connections()
        try:
            export_job_sweep()
        except Exception:
            logging.getLogger(__name__).exception("the export sweep failed")


app.steps["consumer"].add(SweepExportsOnConnect)
