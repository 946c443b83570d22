"""Reports count the period's 督办: 「本期催办N次、通报M次」 for the report's
scope (a party's report: what was addressed to the party), and per item."""

import datetime as dt
import io
import json
import zoneinfo
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.render import render, render_body
from reports.services import report_request
from reports.snapshot import report_snapshot
from supervision.choices import UrgeKind
from supervision.models import Urge, UrgeTarget
from tests.supervision.conftest import at_nine, d, run_every_day
from tracker import services

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "reports" / "data"
AFTER_FEBRUARY = dt.datetime(2026, 3, 2, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def chased(item, people, chongqing):
    """February of NY-01: one 催办 by the office on the 12th; the ladder's
    due-date reminder (10th), overdue reminders (14th, 24th–28th), notice to the
    office (24th) and to leadership (28th); and a Chongqing milestone due on
    the 26th: its due-date reminder (24th) and overdue reminders (27th, 28th),
    addressed to Chongqing alone."""
    with at_nine(d("2026-01-05")):
        services.milestone_create(
            task=item, title="重庆段投运", due_date=d("2026-02-26"), party=chongqing
        )
    with at_nine(d("2026-02-12")):
        urge = Urge.objects.create(
            task=item,
            kind=UrgeKind.URGE,
            message="请于节前报送进展。",
            sent_by=people["office"],
        )
        UrgeTarget.objects.bulk_create(
            UrgeTarget(urge=urge, party=owner.party) for owner in item.owners.all()
        )
    run_every_day("2026-02-09", "2026-02-28")
    # March: outside the period.
    run_every_day("2026-03-02", "2026-03-02")
    return item


def snapshot(initiative, **scope):
    report, _ = report_request(
        initiative=initiative,
        kind="monthly",
        period_start=d("2026-02-01"),
        period_end=d("2026-02-28"),
        **scope,
    )
    return report_snapshot(report, now=AFTER_FEBRUARY)


def test_the_period_counts_urges_and_notices(initiative, chased):
    data = snapshot(initiative)
    # 催办: by hand 1, due-date reminders 2, overdue reminders 6 + 2; 通报: 2.
    assert (data["summary"]["urges"], data["summary"]["notices"]) == (11, 2)
    (row,) = [t for t in data["tasks"] if t["code"] == "NY-01"]
    assert (row["urges"], row["notices"]) == (11, 2)
    (late,) = [t for t in data["overdue"] if t["code"] == "NY-01"]
    assert (late["urges"], late["notices"]) == (11, 2)


def test_a_partys_report_counts_what_was_addressed_to_it(
    initiative, chased, sichuan, chongqing
):
    ours = snapshot(initiative, scope="party", party=sichuan)
    theirs = snapshot(initiative, scope="party", party=chongqing)
    assert (ours["summary"]["urges"], ours["summary"]["notices"]) == (8, 2)
    assert (theirs["summary"]["urges"], theirs["summary"]["notices"]) == (11, 2)


def test_a_week_counts_its_own_days(initiative, chased):
    report, _ = report_request(
        initiative=initiative,
        kind="weekly",
        period_start=d("2026-02-23"),
        period_end=d("2026-03-01"),
    )
    data = report_snapshot(report, now=AFTER_FEBRUARY)
    # The item overdue 24th–28th, the milestone's three reminders; both notices.
    assert (data["summary"]["urges"], data["summary"]["notices"]) == (8, 2)


def test_the_report_says_it_in_every_medium(initiative, chased):
    data = snapshot(initiative)
    html = render_body(data)
    assert "本期催办11次、通报2次。" in html
    assert '<span class="sub chased">本期催办11次、通报2次</span>' in html
    english = render_body(data, language="en")
    assert "This period: urged 11 times, notices 2 times." in english

    workbook = load_workbook(io.BytesIO(render("xlsx", data)))
    summary = {
        row[0]: row[1]
        for row in workbook.worksheets[0].iter_rows(values_only=True)
        if row and row[0]
    }
    assert (summary["本期催办次数"], summary["本期通报次数"]) == (11, 2)
    tasks = workbook["合作事项"] if "合作事项" in workbook else workbook.worksheets[1]
    rows = list(tasks.iter_rows(values_only=True))
    header = list(rows[0])
    (ny,) = [r for r in rows[1:] if r[0] == "NY-01"]
    assert ny[header.index("本期催办次数")] == 11
    assert ny[header.index("本期通报次数")] == 2


def test_a_report_made_before_the_counts_renders_without_them():
    data = json.loads((DATA / "snapshot_month.json").read_text(encoding="utf-8"))
    assert "urges" not in data["summary"]
    html = render_body(data)
    assert "本期催办" not in html and "chased" not in html
    workbook = load_workbook(io.BytesIO(render("xlsx", data)))
    texts = {
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    }
    assert "本期催办次数" not in texts
