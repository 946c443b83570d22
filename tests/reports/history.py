"""What the audit trail says a report went through: the one way the report
tests count how often a report was finished."""

import itertools

from audit.models import ReportEvent
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
