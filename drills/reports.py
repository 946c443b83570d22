"""Reading a report's fate from the database: done exactly once (its audit
trail turns to done once), its files whole (each file's checksum is the one
on its row), nothing half-written left beside them."""

from __future__ import annotations

from pathlib import Path

from django.db import connections

from reports.choices import ReportStatus
from reports.models import Report, ReportFile
from reports.storage import checksum
from tests.reports.history import done_transitions, report_statuses

from .harness import expect


def status(report_id: int) -> str | None:
    """The report's status, or None while the database does not answer."""
    try:
        return Report.objects.values_list("status", flat=True).get(pk=report_id)
    except Exception:  # the database is the thing being broken
        connections.close_all()
        return None


def check_done_once(report_id: int, media: Path) -> Report:
    report = Report.objects.get(pk=report_id)
    expect(
        report.status == ReportStatus.DONE,
        f"report {report_id} is {report.status}, not done",
    )
    statuses = report_statuses(report_id)
    expect(
        done_transitions(statuses) == 1,
        f"report {report_id} turned to done {done_transitions(statuses)} times: "
        f"{statuses}",
    )
    files = list(ReportFile.objects.filter(report=report).order_by("format"))
    expect(
        [f.format for f in files] == ["html", "pdf", "xlsx"],
        f"report {report_id} has files {[f.format for f in files]}",
    )
    for stored in files:
        expect(
            checksum(stored.file.name) == stored.sha256,
            f"report {report_id}: {stored.file.name} does not match its checksum",
        )
    parts = [p.name for p in media.rglob("*.part")]
    expect(not parts, f"half-written files left: {parts}")
    return report
