from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def fill_derived_state(sender, plan=None, using="default", **kwargs) -> None:
    """After `migrate`: store the light of every task that has none (tasks
    there before the stored light came, migration 0017) and, when the
    forecasts' table has just been made, every open item's forecast. Run by
    the code of the day rather than inside a migration, whose later models
    the light's computation may already read."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from .models import Task, TaskForecast, TaskLight
    from .services import forecast_refresh, lights_refresh

    # `flush` sends the signal too, with no plan: nothing was migrated. The
    # service keeps one database.
    if plan is None or using != DEFAULT_DB_ALIAS:
        return
    # Only at the latest state: a partial `migrate tracker 0016` leaves the
    # tables of the light's reads unmade.
    tables = set(connections[using].introspection.table_names())
    if not {TaskLight._meta.db_table, TaskForecast._meta.db_table} <= tables:
        return
    # Whatever has no stored light yet (also after a fill that failed once).
    missing = list(
        Task.objects.filter(light_state__isnull=True).values_list("pk", flat=True)
    )
    if missing:
        lights_refresh(task_ids=missing)
    applied = {
        migration.name
        for migration, backwards in plan
        if migration.app_label == "tracker" and not backwards
    }
    if "0019_dependencies_and_forecasts" in applied and Task.objects.exists():
        forecast_refresh()


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Joint task list")

    def ready(self) -> None:
        post_migrate.connect(
            fill_derived_state, sender=self, dispatch_uid="tracker.fill_derived_state"
        )
