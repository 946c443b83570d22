from django.conf import settings
from django.core.checks import Error, Tags, register

POSTGRESQL = "django.db.backends.postgresql"


@register(Tags.database, deploy=False)
def postgresql_only(app_configs=None, **kwargs):
    """The service relies on PostgreSQL (constraints, triggers, full-text search);
    refuse to run on anything else rather than misbehave quietly."""
    errors = []
    for alias, cfg in settings.DATABASES.items():
        engine = cfg.get("ENGINE", "")
        if engine != POSTGRESQL:
            errors.append(
                Error(
                    f"Database {alias!r} uses {engine or 'no engine'}; "
                    "this service runs on PostgreSQL only.",
                    hint="Set DATABASE_URL to a postgres:// URL, or unset it to use "
                    "the embedded PostgreSQL under var/.",
                    id="core.E001",
                )
            )
    return errors


@register(Tags.security)
def trusted_proxies_parse(app_configs=None, **kwargs):
    """A typo in TRUSTED_PROXIES must stop the start, not the first request."""
    from django.core.exceptions import ImproperlyConfigured

    from .proxies import parse_networks

    try:
        parse_networks(getattr(settings, "TRUSTED_PROXIES", ()))
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                hint="Give addresses or networks, e.g. 10.0.0.5,192.168.1.0/24.",
                id="core.E002",
            )
        ]
    return []
