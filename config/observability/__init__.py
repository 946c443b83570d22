"""What operators see of the running service: Prometheus metrics at /metrics,
JSON logs carrying the request id (LOG_FORMAT=json), and the /healthz and
/readyz probes. Kept together so that the web, the worker and gunicorn load
the same definitions."""
