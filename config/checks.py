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
