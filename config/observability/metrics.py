"""The service's Prometheus metrics, defined once for every process.

Several processes serve one deployment (gunicorn's workers, Celery's prefork
children), so each keeps its own values; prometheus_client's multiprocess
mode writes them to files in PROMETHEUS_MULTIPROC_DIR, and whichever web
process answers /metrics adds up the files of all of them. Point the web and
the worker of one machine at the same directory and /metrics shows the
worker's task counts too. The variable must be in the environment before
the first import of prometheus_client (set it in the unit, compose file or
shell that starts the process, not in settings), and the directory emptied
before the processes start. Without it every process counts for itself
(a developer's runserver, the tests' own process).

Labels stay few and bounded: a route is the URL pattern's name, never a path
with ids in it; a task is its registered name.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

# A directory named but not made would fail the first count of every
# process, and with it the request or task counting: make it.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

# No *_created series: they double the samples and nothing here reads them.
disable_created_metrics()

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

# Seconds: from a 304 in a few milliseconds to a slow page or report step.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
QUERY_BUCKETS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600)

HTTP_REQUESTS = Counter(
    "tracker_http_requests",
    "HTTP requests answered, by route (URL pattern name), method and status.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "tracker_http_request_duration_seconds",
    "Time from the request entering the application to its response.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
HTTP_QUERIES = Histogram(
    "tracker_http_request_db_queries",
    "Database queries one request made.",
    ["route", "method"],
    buckets=QUERY_BUCKETS,
)
TASKS = Counter(
    "tracker_celery_tasks",
    "Celery tasks run by the worker, by task name and outcome "
    "(success, failure, retry).",
    ["task", "outcome"],
)
TASK_FAILURES = Counter(
    "tracker_celery_task_failures",
    "Celery tasks that raised, by task name and exception class.",
    ["task", "exception"],
)
TASK_DURATION = Histogram(
    "tracker_celery_task_duration_seconds",
    "Time a worker spent running a task.",
    ["task"],
    buckets=TASK_BUCKETS,
)
REPORT_STEP_DURATION = Histogram(
    "tracker_report_step_duration_seconds",
    "Time of each report generation step: the snapshot, the rendering of "
    "each format, the storage write of each file.",
    ["step", "format"],
    buckets=TASK_BUCKETS,
)
REPORT_STEPS = Counter(
    "tracker_report_steps",
    "Report generation steps, by step, format and result (ok, error).",
    ["step", "format", "result"],
)
REMINDERS = Counter(
    "tracker_reminders_sent",
    "Reminder and escalation notices the ladder sent, by rung.",
    ["rung"],
)
NOTIFICATIONS = Counter(
    "tracker_notifications_sent",
    "Notifications by channel (in_app, email, email_digest, webhook) and "
    "result (sent, failed, retry, skipped).",
    ["channel", "result"],
)

# prometheus_client appends _total to a counter's samples; the names above
# are written without it, as it asks.


@contextmanager
def report_step(step: str, fmt: str = "") -> Iterator[None]:
    """Time one report generation step and count its result."""
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        REPORT_STEPS.labels(step, fmt, "error").inc()
        raise
    finally:
        REPORT_STEP_DURATION.labels(step, fmt).observe(time.perf_counter() - started)
    REPORT_STEPS.labels(step, fmt, "ok").inc()


def notification_counted(channel: str, result: str, amount: int = 1) -> None:
    if amount:
        NOTIFICATIONS.labels(channel, result).inc(amount)


class QueueLengthCollector:
    """The length of each Celery queue on the broker, read when scraped.

    One short-lived Redis connection with a short timeout, so a broker that
    hangs costs a scrape at most QUEUE_TIMEOUT seconds and never a request;
    an unreachable broker gives no sample and tracker_broker_up 0."""

    QUEUE_TIMEOUT = 0.5

    def describe(self):
        return []

    def collect(self):
        from django.conf import settings

        up = GaugeMetricFamily(
            "tracker_broker_up", "1 when the broker answered the scrape's query."
        )
        lengths = GaugeMetricFamily(
            "tracker_celery_queue_length",
            "Messages waiting in each Celery queue on the broker.",
            labels=["queue"],
        )
        url = settings.CELERY_BROKER_URL
        if not url.startswith(("redis://", "rediss://")):
            # kombu's filesystem broker (a developer's machine): nothing to ask.
            yield up
            return
        queues = sorted(set(queue_names()))
        try:
            counts = redis_queue_lengths(url, queues, timeout=self.QUEUE_TIMEOUT)
        except Exception:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for queue, count in counts.items():
            lengths.add_metric([queue], count)
        yield up
        yield lengths


def queue_names() -> list[str]:
    from django.conf import settings

    names = [
        getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery"),
        settings.REPORTS_QUEUE,
    ]
    return [n for n in names if n]


def redis_queue_lengths(url: str, queues: list[str], *, timeout: float):
    import redis

    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry_on_timeout=False,
    )
    try:
        pipe = client.pipeline(transaction=False)
        for queue in queues:
            pipe.llen(queue)
        return dict(zip(queues, pipe.execute(), strict=True))
    finally:
        client.close()


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_DIR_VARIABLE) or None


def exposition() -> tuple[bytes, str]:
    """The text /metrics answers: every process's values (multiprocess mode)
    or this process's, and the queue lengths read now."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    live = CollectorRegistry()
    live.register(QueueLengthCollector())
    return body + generate_latest(live), CONTENT_TYPE_LATEST
