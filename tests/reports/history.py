"""What the audit trail says a report went through: the one way the report
tests count how often a report was finished."""

import itertools

from django.db import connection

from audit.models import ReportEvent
from reports import services
from reports.choices import ReportStatus


def report_statuses(report_id: int) -> list:
    """The report's statuses in the order its events recorded them, after None
    (before it existed)."""
    events = ReportEvent.objects.filter(pgh_obj_id=report_id).order_by("pgh_id")
    return [None, *events.values_list("status", flat=True)]


def done_transitions(statuses) -> int:
    """How often a status sequence turns to done from something else."""
    return sum(
        1
        for before, after in itertools.pairwise(statuses)
        if after == ReportStatus.DONE and before != ReportStatus.DONE
    )


def report_lock_held(report_id: int) -> bool:
    """Whether some session holds the report's generation lock (an advisory
    lock of reports.services) in this database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database"
            " WHERE datname = current_database())"
            " AND classid = %s AND objid = %s AND objsubid = 2",
            [services.LOCK_CLASS, report_id],
        )
        return cursor.fetchone()[0] > 0
