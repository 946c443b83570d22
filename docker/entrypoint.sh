#!/bin/sh
# One image, several roles: the first argument says which. Each role is exec'd
# so that it runs as PID 1 and receives docker's SIGTERM directly (gunicorn and
# Celery then shut down warm). Extra arguments after the role are passed on,
# e.g. `worker -Q reports`.
set -eu

role="${1:-web}"
if [ "$#" -gt 0 ]; then shift; fi

# Metrics of the processes of an earlier start of this container would be
# added to this one's (prometheus_client's multiprocess files).
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi

case "$role" in
web)
    exec gunicorn config.wsgi:application \
        --bind 0.0.0.0:8000 \
        --workers "${WEB_CONCURRENCY:-3}" \
        --access-logfile - \
        "$@"
    ;;
worker)
    exec celery -A config worker -l info \
        --concurrency "${CELERY_CONCURRENCY:-2}" \
        "$@"
    ;;
beat)
    # Run exactly one beat per deployment, or every schedule fires twice.
    exec celery -A config beat -l info \
        --scheduler django_celery_beat.schedulers:DatabaseScheduler \
        "$@"
    ;;
migrate)
    python manage.py migrate --noinput "$@"
    # As the owner: give the application's role its (limited) rights.
    if [ -n "${APP_DB_ROLE:-}" ]; then
        exec python manage.py grant_app_role "$APP_DB_ROLE"
    fi
    ;;
*)
    exec "$role" "$@"
    ;;
esac
