"""Each owner party reports its own progress on its part of a joint item.

The item's progress is derived from the parts (their average, rounded down);
a progress update names the version of the party's own part, so Sichuan and
Chongqing never make each other's updates stale, while two clerks of the same
party still meet the concurrent-change handling."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.services import membership_grant
from audit.models import TaskOwnerEvent
from config.exceptions import PermissionDenied, PreconditionFailed
from reports.models import Report
from reports.render.html import render_body
from reports.snapshot import report_snapshot
from tests.factories import PartyFactory, UserFactory, make_initiative, make_task
from tests.tracker.pages import page_url, signed_in
from tracker import services
from tracker.choices import ProgressRule, TaskStatus
from tracker.models import ProgressUpdate, Task, TaskOwner
from tracker.models.task import derived_progress

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _part(task, party) -> TaskOwner:
    return TaskOwner.objects.get(task=task, party=party)


def _owner_entries(client, task) -> dict[str, dict]:
    response = client.get(f"/api/v1/tasks/{task.pk}/")
    assert response.status_code == 200, response.content
    return {o["party"]["code"]: o for o in response.json()["owners"]}


def _post(client, task, body, tag):
    return client.post(
        f"/api/v1/tasks/{task.pk}/progress-updates/",
        body,
        format="json",
        HTTP_IF_MATCH=tag,
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        **ZH,
    )


# --- the rule ---------------------------------------------------------------------


def test_the_item_progress_is_the_parties_average_rounded_down():
    assert derived_progress([40, 60]) == 50
    assert derived_progress([33, 34]) == 33  # 100 only once every party is done
    assert derived_progress([100, 99]) == 99
    assert derived_progress([10, 20, 60]) == 30  # three parties fit the same rule
    assert derived_progress([]) == 0


# --- the API: parties side by side ------------------------------------------------


def test_sichuan_and_chongqing_post_with_the_versions_they_read_both_201(
    task, sc_coord, cq_coord
):
    sc, cq = _api(sc_coord), _api(cq_coord)
    # Both read the item before either posts.
    sc_read, cq_read = _owner_entries(sc, task), _owner_entries(cq, task)
    assert sc_read["sc"]["progress"] == 0 and sc_read["sc"]["version"] == 1
    first = _post(
        sc,
        task,
        {"narrative": "四川段铁塔组立完成", "progress": 40},
        sc_read["sc"]["etag"],
    )
    assert first.status_code == 201, first.content
    second = _post(
        cq, task, {"narrative": "重庆段完成架线", "progress": 61}, cq_read["cq"]["etag"]
    )
    assert second.status_code == 201, second.content

    # The answer names the party's new part, its next tag, and the item's figure.
    assert second.json()["part"]["progress"] == 61
    assert second.json()["task_progress"] == 50
    assert second["ETag"] == second.json()["part"]["etag"]
    task.refresh_from_db()
    assert task.progress == 50  # (40 + 61) // 2
    assert task.status == TaskStatus.IN_PROGRESS  # the first update started it
    detail = sc.get(f"/api/v1/tasks/{task.pk}/").json()
    assert detail["progress"] == 50
    assert detail["progress_rule"] == ProgressRule.AVERAGE
    assert detail["progress_rule_label"] == "整体进度按各方平均计算"
    parts = {o["party"]["code"]: o for o in detail["owners"]}
    assert (parts["sc"]["progress"], parts["cq"]["progress"]) == (40, 61)
    assert parts["sc"]["narrative"] == "四川段铁塔组立完成"
    assert parts["sc"]["progress_reported_at"] is not None
    assert parts["cq"]["version"] == 2


def test_the_same_party_twice_with_a_stale_version_is_412_and_changes_nothing(
    task, sichuan, sc_coord
):
    second_clerk = UserFactory(username="sc_coord2")
    membership_grant(user=second_clerk, party=sichuan, role="coordinator")
    first, second = _api(sc_coord), _api(second_clerk)
    tag = _owner_entries(first, task)["sc"]["etag"]
    assert _owner_entries(second, task)["sc"]["etag"] == tag
    assert (
        _post(first, task, {"narrative": "进场施工", "progress": 20}, tag).status_code
        == 201
    )
    before = (
        ProgressUpdate.objects.count(),
        _part(task, sichuan).progress,
        Task.objects.get(pk=task.pk).progress,
    )

    stale = _post(second, task, {"narrative": "基础浇筑完成", "progress": 35}, tag)

    assert stale.status_code == 412, stale.content
    assert stale["Content-Type"] == "application/problem+json"
    assert stale.json()["code"] == "precondition_failed"
    after = (
        ProgressUpdate.objects.count(),
        _part(task, sichuan).progress,
        Task.objects.get(pk=task.pk).progress,
    )
    assert after == before == (1, 20, 10)


def test_a_task_etag_no_longer_authorises_a_progress_update(task, sc_coord):
    sc = _api(sc_coord)
    task_tag = sc.get(f"/api/v1/tasks/{task.pk}/")["ETag"]
    refused = _post(sc, task, {"narrative": "进场施工", "progress": 20}, task_tag)
    assert refused.status_code == 412
    assert ProgressUpdate.objects.count() == 0
    missing = sc.post(
        f"/api/v1/tasks/{task.pk}/progress-updates/",
        {"narrative": "进场施工", "progress": 20},
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert missing.status_code == 428


def test_a_party_update_leaves_the_task_version_and_other_forms_valid(
    task, sc_coord, cq_coord
):
    services.task_start(task=task, actor=sc_coord)
    task.refresh_from_db()
    version = task.version
    services.progress_update_post(
        task=task,
        actor=cq_coord,
        narrative="重庆段完成",
        progress=100,
        expected_version=_part(task, task.owners.get(party__code="cq").party).version,
    )
    task.refresh_from_db()
    assert task.version == version  # only the item's state moves its version
    assert task.progress == 50
    # Sichuan's claim, read before Chongqing's update, still goes through.
    services.task_claim_completion(
        task=task, actor=sc_coord, explanation="四川段完工", expected_version=version
    )


def test_a_coordinator_reports_only_their_own_party_and_the_office_for_none(
    task, chongqing, sc_coord, office
):
    with pytest.raises(PermissionDenied):
        services.progress_update_post(
            task=task, actor=sc_coord, party=chongqing, narrative="代报", progress=50
        )
    with pytest.raises(PermissionDenied):
        services.progress_update_post(
            task=task, actor=office, narrative="专班代报", progress=50
        )
    refused = _post(
        _api(office),
        task,
        {"narrative": "专班代报", "progress": 50},
        '"tracker.taskowner-1-v1"',
    )
    assert refused.status_code == 403
    assert ProgressUpdate.objects.count() == 0
    assert set(task.owners.values_list("progress", flat=True)) == {0}


def test_a_late_entry_of_an_older_report_keeps_the_party_latest_figure(
    task, sichuan, sc_coord
):
    now = dt.datetime(2025, 6, 30, 8, tzinfo=dt.UTC)
    services.progress_update_post(
        task=task, actor=sc_coord, narrative="六月进展", progress=50, reported_at=now
    )
    services.progress_update_post(
        task=task,
        actor=sc_coord,
        narrative="补录五月进展",
        progress=30,
        reported_at=now - dt.timedelta(days=30),
    )
    part = _part(task, sichuan)
    assert (part.progress, part.narrative) == (50, "六月进展")
    assert part.version == 3  # the part moved: its feed did
    assert Task.objects.get(pk=task.pk).progress == 25


def test_completion_confirmed_by_every_party_completes_each_part(
    task, sc_coord, cq_coord
):
    services.progress_update_post(
        task=task, actor=sc_coord, narrative="四川段完工", progress=100
    )
    services.progress_update_post(
        task=task, actor=cq_coord, narrative="重庆段收尾", progress=90
    )
    services.task_claim_completion(task=task, actor=sc_coord, explanation="已完工")
    services.task_confirm_completion(task=task, actor=cq_coord)
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED and task.progress == 100
    assert set(task.owners.values_list("progress", flat=True)) == {100}


# --- history ----------------------------------------------------------------------


def test_history_records_each_part_change(task, chongqing, cq_coord):
    services.progress_update_post(
        task=task, actor=cq_coord, narrative="重庆段开工", progress=15
    )
    part = _part(task, chongqing)
    events = TaskOwnerEvent.objects.filter(pgh_obj_id=part.pk).order_by("pgh_id")
    latest = events.last()
    assert (latest.progress, latest.narrative, latest.version) == (15, "重庆段开工", 2)


# --- the migration ----------------------------------------------------------------


def test_the_migration_gives_each_part_its_latest_update_and_re_derives(
    task, sichuan, chongqing, sc_coord, cq_coord, initiative
):
    quiet = make_task(initiative, code="QT-01", progress=30)
    base = dt.datetime(2025, 5, 1, 8, tzinfo=dt.UTC)
    for days, actor, progress in (
        (0, sc_coord, 20),
        (7, sc_coord, 45),
        (3, cq_coord, 70),
    ):
        services.progress_update_post(
            task=task,
            actor=actor,
            narrative=f"第{progress}%进展",
            progress=progress,
            reported_at=base + dt.timedelta(days=days),
        )
    # As the data stood before parts had figures of their own.
    TaskOwner.objects.update(progress=0, narrative="", progress_reported_at=None)
    Task.objects.filter(pk=task.pk).update(progress=45)
    Task.objects.filter(pk=quiet.pk).update(progress=30)
    migration = __import__(
        "tracker.migrations.0008_party_progress", fromlist=["move_progress_to_parts"]
    )

    migration.move_progress_to_parts(apps, None)

    sc, cq = _part(task, sichuan), _part(task, chongqing)
    assert (sc.progress, sc.narrative) == (45, "第45%进展")
    assert sc.progress_reported_at == base + dt.timedelta(days=7)
    assert (cq.progress, cq.narrative) == (70, "第70%进展")
    assert Task.objects.get(pk=task.pk).progress == 57
    # An item nobody has reported on keeps its figure, each party at it.
    assert set(quiet.owners.values_list("progress", flat=True)) == {30}
    assert Task.objects.get(pk=quiet.pk).progress == 30


# --- reports ----------------------------------------------------------------------


def test_the_report_shows_each_party_beside_the_item(
    task, sc_coord, cq_coord, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    services.progress_update_post(
        task=task, actor=sc_coord, narrative="四川", progress=40
    )
    services.progress_update_post(
        task=task, actor=cq_coord, narrative="重庆", progress=60
    )
    today = dt.date.today()
    report = Report.objects.create(
        initiative=task.initiative,
        kind="on_demand",
        period_start=today - dt.timedelta(days=6),
        period_end=today,
    )
    snapshot = report_snapshot(report)
    row = next(t for t in snapshot["tasks"] if t["code"] == task.code)
    assert row["progress"] == 50
    assert {o["party"]: o["progress"] for o in row["owners"]} == {"川": 40, "渝": 60}
    body = render_body(snapshot)
    assert "川40%" in body and "渝60%" in body


# --- query counts -----------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_task_detail_and_list_cost_the_same_however_many_parts(db):
    parties = [
        PartyFactory(code=code, name=name, short_name=short)
        for code, name, short in (
            ("sc", "四川省", "川"),
            ("cq", "重庆市", "渝"),
            ("gz", "贵州省", "黔"),
            ("yn", "云南省", "滇"),
        )
    ]
    initiative = make_initiative(parties)
    reporters = []
    for party in parties:
        user = UserFactory(username=f"{party.code}_clerk")
        membership_grant(user=user, party=party, role="coordinator")
        reporters.append(user)
    two = make_task(initiative, parties=parties[:2], code="P-2")
    four = make_task(initiative, parties=parties, code="P-4")
    # Both items have a feed, so the page's reads for it (the updates' files)
    # are made on both sides of the comparison.
    services.progress_update_post(
        task=two, actor=reporters[0], narrative="首次进展", progress=5
    )
    reader = _api(reporters[0])
    page = signed_in(reporters[0])
    # Warm up: the first request of a client fills caches the others reuse.
    _count(reader, f"/api/v1/tasks/{two.pk}/")
    _count(page, page_url("task_detail", two.pk))
    baseline = {
        "api": _count(reader, f"/api/v1/tasks/{two.pk}/"),
        "list": _count(reader, "/api/v1/tasks/"),
        "page": _count(page, page_url("task_detail", two.pk)),
        "table": _count(page, "/tasks/"),
    }
    for user, progress in zip(reporters, (10, 20, 30, 40), strict=True):
        services.progress_update_post(
            task=four, actor=user, narrative="各方进展", progress=progress
        )
    make_task(initiative, parties=parties, code="P-4b")
    grown = {
        "api": _count(reader, f"/api/v1/tasks/{four.pk}/"),
        "list": _count(reader, "/api/v1/tasks/"),
        "page": _count(page, page_url("task_detail", four.pk)),
        "table": _count(page, "/tasks/"),
    }
    assert grown == baseline
    assert Task.objects.get(pk=four.pk).progress == 25


# --- the task page ----------------------------------------------------------------


def _rendered_version(client, task) -> int:
    """The version the page's progress form carries."""
    import re

    html = client.get(page_url("task_detail", task.pk)).content.decode()
    form = html[html.index('id="form-update"') :]
    return int(re.search(r'name="update-version" value="(\d+)"', form).group(1))


def _post_page(client, task, version, narrative, progress):
    return client.post(
        page_url("progress_update_post", task.pk),
        {
            "update-version": version,
            "update-narrative": narrative,
            "update-progress": progress,
        },
        **ZH,
    )


def test_both_parties_post_from_the_page_with_what_it_rendered(
    task, sc_coord, cq_coord
):
    sc, cq = signed_in(sc_coord), signed_in(cq_coord)
    sc_version, cq_version = _rendered_version(sc, task), _rendered_version(cq, task)
    assert _post_page(sc, task, sc_version, "四川段完成", 30).status_code == 302
    assert _post_page(cq, task, cq_version, "重庆段完成", 70).status_code == 302
    page = sc.get(page_url("task_detail", task.pk), **ZH).content.decode()
    assert 'data-testid="owner-progress" data-party="sc">30%' in page
    assert 'data-testid="owner-progress" data-party="cq">70%' in page
    assert "整体进度按各方平均计算" in page
    assert Task.objects.get(pk=task.pk).progress == 50


def test_same_party_clerks_get_the_concurrent_change_page_with_the_form_fields_only(
    task, sichuan, sc_coord
):
    second_clerk = UserFactory(username="sc_coord2")
    membership_grant(user=second_clerk, party=sichuan, role="coordinator")
    first, second = signed_in(sc_coord), signed_in(second_clerk)
    version = _rendered_version(second, task)
    assert (
        _post_page(first, task, _rendered_version(first, task), "进场", 20).status_code
        == 302
    )

    response = _post_page(second, task, version, "基础浇筑完成", 35)

    assert response.status_code == 409
    html = response.content.decode()
    conflict = html[html.index('data-testid="conflict"') :]
    conflict = conflict[: conflict.index("</section>")]
    rows = [
        label
        for label in ("状态", "截止日期", "进度（%）", "进展情况")
        if f'<th scope="row">{label}</th>' in conflict
    ]
    assert rows == ["进度（%）", "进展情况"]
    assert "基础浇筑完成" in conflict and "进场" in conflict
    # The form is ready to go again over the part's current version.
    assert f'name="update-version" value="{version + 1}"' in html
    assert ProgressUpdate.objects.count() == 1
    assert _part(task, sichuan).progress == 20


def test_the_service_refuses_a_stale_part_version(task, sichuan, sc_coord):
    read = _part(task, sichuan).version
    services.progress_update_post(
        task=task, actor=sc_coord, narrative="进场", progress=20, expected_version=read
    )
    with pytest.raises(PreconditionFailed):
        services.progress_update_post(
            task=task,
            actor=sc_coord,
            narrative="再报",
            progress=25,
            expected_version=read,
        )
    assert _part(task, sichuan).progress == 20
