"""gunicorn reads this file from the directory it starts in (the project's,
as docker/entrypoint.sh and `make` start it). With LOG_FORMAT=json its own
lines (start-up, workers booting, the access log) are JSON too, like the
application's (config/observability/logs.py); otherwise nothing changes."""

import os

if os.environ.get("LOG_FORMAT", "").lower() == "json":
    # gunicorn merges this over its defaults key by key: its handlers stay
    # and write through this formatter; its loggers stop passing their lines
    # on to the root logger as well (each line would be written twice).
    logconfig_dict = {
        "formatters": {
            "generic": {"()": "config.observability.logs.JsonFormatter"},
        },
        "loggers": {
            "gunicorn.error": {
                "level": "INFO",
                "handlers": ["error_console"],
                "propagate": False,
            },
            "gunicorn.access": {
                "level": "INFO",
                "handlers": ["console"],
                "propagate": False,
            },
        },
    }
