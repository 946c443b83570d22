"""The 督办 figures of a report: how often the period's items were chased
(催办: by hand, due-date and overdue reminders) and reported up the chain
(通报: notices to the joint office and to leadership). One query. See
reports/snapshot.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from supervision.choices import NOTICE_KINDS, UrgeKind
from supervision.models import Urge, UrgeTarget

from .choices import ScopeKind
from .snapshot_lists import scope_tasks

# 催办 counts the office's by hand and the ladder's reminders; 通报 its notices.
URGE_KINDS = frozenset({UrgeKind.URGE, UrgeKind.DUE_SOON, UrgeKind.OVERDUE})


@dataclass
class UrgeCounts:
    urges: int = 0
    notices: int = 0
    by_task: dict[int, dict[str, int]] = field(default_factory=dict)

    def totals(self) -> dict[str, int]:
        return {"urges": self.urges, "notices": self.notices}

    def annotate(self, rows: list[dict]) -> None:
        """Each task row of the snapshot gets its own two figures."""
        for row in rows:
            row.update(self.by_task.get(row["task_id"], {"urges": 0, "notices": 0}))


def urges_in_period(report, start: dt.datetime, as_of: dt.datetime) -> UrgeCounts:
    """The period's 催办 and 通报 on the report's items; a party's report
    counts those addressed to the party."""
    urges = Urge.objects.filter(
        task__in=scope_tasks(report), sent_at__gte=start, sent_at__lt=as_of
    )
    if report.scope == ScopeKind.PARTY:
        urges = urges.filter(
            Exists(
                UrgeTarget.objects.filter(
                    urge=OuterRef("pk"), party_id=report.scope_party_id
                )
            )
        )
    rows = (
        urges.order_by()
        .values("task_id")
        .annotate(
            urges=Count("pk", filter=Q(kind__in=URGE_KINDS)),
            notices=Count("pk", filter=Q(kind__in=NOTICE_KINDS)),
        )
    )
    counts = UrgeCounts()
    for row in rows:
        counts.by_task[row["task_id"]] = {
            "urges": row["urges"],
            "notices": row["notices"],
        }
        counts.urges += row["urges"]
        counts.notices += row["notices"]
    return counts
