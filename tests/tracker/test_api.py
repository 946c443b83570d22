"""The REST API end to end: ETags, idempotency, dual sign-off, extensions,
evidence and the problem+json error contract."""

import io
import threading
import zlib

import pytest
from django.db import connections
from rest_framework.test import APIClient

from tests.clock import days, iso
from tests.factories import make_task
from tracker import services, workflow
from tracker.choices import MilestoneStatus, TaskStatus
from tracker.models import IndicatorReading, Milestone, ProgressUpdate, Task

# Dates are written from the tests' frozen today (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def sc(sc_coord):
    return client_for(sc_coord)


@pytest.fixture
def cq(cq_coord):
    return client_for(cq_coord)


@pytest.fixture
def joint(task, sichuan, chongqing, sc_coord):
    services.task_start(task=task, actor=sc_coord)
    services.milestone_create(
        task=task, title="四川段投运", due_date=days(90), party=sichuan
    )
    services.milestone_create(
        task=task, title="重庆段投运", due_date=days(90), party=chongqing
    )
    return task


def etag(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


def part_etag(client, task, party_code="sc"):
    """The ETag of a party's part of `task`, which its progress updates name."""
    owners = client.get(f"/api/v1/tasks/{task.pk}/").json()["owners"]
    return next(o["etag"] for o in owners if o["party"]["code"] == party_code)


def test_task_list_shows_owners_and_light(sc, joint):
    body = sc.get("/api/v1/tasks/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert {o["party"]["code"] for o in row["owners"]} == {"sc", "cq"}
    assert row["light"]["value"] in {"red", "amber", "green"}
    assert row["light"]["override"] is None
    assert row["version"] >= 1


def test_filters_and_chinese_search(sc, initiative, joint, sichuan):
    make_task(
        initiative, parties=[sichuan], code="SZ-01", title="国际互联网数据专用通道"
    )
    assert sc.get("/api/v1/tasks/", {"search": "特高压"}).json()["count"] == 1
    assert sc.get("/api/v1/tasks/", {"status": "in_progress"}).json()["count"] == 1
    assert sc.get("/api/v1/tasks/", {"party": sichuan.pk}).json()["count"] == 2
    assert sc.get("/api/v1/tasks/", {"due_before": "2020-01-01"}).json()["count"] == 0
    codes = [
        r["code"]
        for r in sc.get("/api/v1/tasks/", {"ordering": "-code"}).json()["results"]
    ]
    assert codes == sorted(codes, reverse=True)


def test_milestone_patch_needs_the_current_etag(sc, joint):
    ms = joint.milestones.get(title="四川段投运")
    url = f"/api/v1/milestones/{ms.pk}/"
    body = {"status": "done"}
    missing = sc.patch(url, body, format="json")
    assert missing.status_code == 428
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["code"] == "precondition_required"
    tag = etag(sc, url)
    ok = sc.patch(url, body, format="json", HTTP_IF_MATCH=tag)
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "done" and ok.json()["completed_at"]
    assert ok["ETag"] != tag
    stale = sc.patch(url, {"description": "x"}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert Milestone.objects.get(pk=ms.pk).description == ""


def test_other_partys_milestone_is_visible_but_not_changeable(sc, joint):
    ms = joint.milestones.get(title="重庆段投运")
    url = f"/api/v1/milestones/{ms.pk}/"
    tag = etag(sc, url)
    response = sc.patch(url, {"status": "done"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Milestone.objects.get(pk=ms.pk).status == MilestoneStatus.PENDING


def test_progress_update_is_idempotent(sc, joint):
    url = f"/api/v1/tasks/{joint.pk}/progress-updates/"
    tag = part_etag(sc, joint)
    body = {"narrative": "川渝段铁塔组立完成", "progress": 60}
    first = sc.post(
        url, body, format="json", HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == 201, first.content
    replay = sc.post(
        url, body, format="json", HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert ProgressUpdate.objects.filter(task=joint).count() == 1
    # Sichuan's part is at 60; the joint item is the parties' average.
    assert first.json()["part"]["progress"] == 60
    assert Task.objects.get(pk=joint.pk).progress == 30
    reused = sc.post(
        url,
        {**body, "progress": 61},
        format="json",
        HTTP_IF_MATCH=tag,
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert reused.status_code == 422
    feed = sc.get(url).json()
    assert [u["narrative"] for u in feed["results"]] == ["川渝段铁塔组立完成"]


def test_task_detail_says_what_the_caller_may_do_now(sc, cq, joint, office):
    """`actions`: what each caller may do on the task in its state, and the
    answer of every write carries the new list."""
    url = f"/api/v1/tasks/{joint.pk}/"
    mine = [
        "claim_completion",
        "post_progress_update",
        "change_milestone",
        "request_extension",
    ]
    assert sc.get(url).json()["actions"] == mine
    assert cq.get(url).json()["actions"] == mine
    assert client_for(office).get(url).json()["actions"] == [
        "suspend",
        "cancel",
        "change_milestone",
        "override_light",
        "urge",
    ]
    claimed = sc.post(
        url + "claim-completion/",
        {"explanation": "两段均已投运"},
        format="json",
        HTTP_IF_MATCH=etag(sc, url),
    )
    assert claimed.status_code == 200, claimed.content
    # The claimant waits; the counterpart decides.
    assert claimed.json()["actions"] == [
        "post_progress_update",
        "change_milestone",
        "request_extension",
    ]
    assert cq.get(url).json()["actions"][:2] == [
        "confirm_completion",
        "reject_completion",
    ]


def test_the_schema_lists_every_action_of_the_workflow(sc):
    schema = sc.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    actions = components["TaskDetail"]["properties"]["actions"]
    assert actions["readOnly"] and actions["items"] == {
        "$ref": "#/components/schemas/TaskActionEnum"
    }
    assert components["TaskActionEnum"]["enum"] == list(workflow.ACTIONS)


def test_dual_sign_off_through_the_api(sc, cq, joint):
    task_url = f"/api/v1/tasks/{joint.pk}/"
    early = cq.post(
        task_url + "confirm-completion/",
        {},
        format="json",
        HTTP_IF_MATCH=etag(cq, task_url),
    )
    assert early.status_code == 409
    assert early.json()["code"] == "transition_not_allowed"
    no_reason = sc.post(
        task_url + "claim-completion/",
        {},
        format="json",
        HTTP_IF_MATCH=etag(sc, task_url),
    )
    assert no_reason.status_code == 400  # own milestone not done, no explanation
    assert "explanation" in no_reason.json()["errors"]
    claimed = sc.post(
        task_url + "claim-completion/",
        {"explanation": "四川段已投运，验收材料齐全"},
        format="json",
        HTTP_IF_MATCH=etag(sc, task_url),
    )
    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["status"] == TaskStatus.COMPLETION_CLAIMED
    own = sc.post(
        task_url + "confirm-completion/",
        {},
        format="json",
        HTTP_IF_MATCH=etag(sc, task_url),
    )
    assert own.status_code == 403
    attention = cq.get("/api/v1/attention/").json()
    assert attention["counts"]["awaiting_confirmation"] == 1
    assert any(i["kind"] == "awaiting_confirmation" for i in attention["results"])
    confirmed = cq.post(
        task_url + "confirm-completion/",
        {},
        format="json",
        HTTP_IF_MATCH=etag(cq, task_url),
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == TaskStatus.COMPLETED
    assert confirmed.json()["light"]["value"] == "closed"


def test_reject_needs_a_reason(sc, cq, joint):
    task_url = f"/api/v1/tasks/{joint.pk}/"
    sc.post(
        task_url + "claim-completion/",
        {"explanation": "已完成"},
        format="json",
        HTTP_IF_MATCH=etag(sc, task_url),
    )
    empty = cq.post(
        task_url + "reject-completion/",
        {"reason": ""},
        format="json",
        HTTP_IF_MATCH=etag(cq, task_url),
    )
    assert empty.status_code == 400
    rejected = cq.post(
        task_url + "reject-completion/",
        {"reason": "重庆段尚未完成竣工验收"},
        format="json",
        HTTP_IF_MATCH=etag(cq, task_url),
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == TaskStatus.IN_PROGRESS


def test_extension_request_and_decision(sc, office, joint):
    original = joint.due_date
    response = sc.post(
        f"/api/v1/tasks/{joint.pk}/request-extension/",
        {"requested_due_date": iso(400), "reason": "设备到货推迟"},
        format="json",
        HTTP_IF_MATCH=etag(sc, f"/api/v1/tasks/{joint.pk}/"),
    )
    assert response.status_code == 201, response.content
    ext_id = response.json()["id"]
    ext_url = f"/api/v1/extension-requests/{ext_id}/"
    refused = sc.post(
        ext_url + "decide/",
        {"approve": True, "opinion": "同意延期"},
        format="json",
        HTTP_IF_MATCH=etag(sc, ext_url),
    )
    assert refused.status_code == 403
    office_client = client_for(office)
    decided = office_client.post(
        ext_url + "decide/",
        {"approve": True, "opinion": "同意延期"},
        format="json",
        HTTP_IF_MATCH=etag(office_client, ext_url),
    )
    assert decided.status_code == 200
    detail = sc.get(f"/api/v1/tasks/{joint.pk}/").json()
    assert detail["due_date"] == iso(400)
    assert detail["original_due_date"] == original.isoformat()
    assert detail["extension_count"] == 1


def test_invisible_is_404_and_errors_speak_the_users_language(sc, initiative):
    from tests.factories import PartyFactory, make_initiative

    shaanxi = PartyFactory(code="sn", name="陕西省")
    other = make_initiative([shaanxi])
    hidden = make_task(other, parties=[shaanxi], code="X-1")
    response = sc.get(f"/api/v1/tasks/{hidden.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert sc.get("/api/v1/tasks/", {"search": "X-1"}).json()["count"] == 0
    english = sc.get(f"/api/v1/tasks/{hidden.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["title"] == "Not found"
    chinese = sc.get(f"/api/v1/tasks/{hidden.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.json()["title"] == "未找到"


def _png() -> bytes:
    def chunk(kind, data):
        return (
            len(data).to_bytes(4, "big")
            + kind
            + data
            + zlib.crc32(kind + data).to_bytes(4, "big")
        )

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_reading_with_evidence_is_downloadable_by_members_only(
    sc, cq_coord, joint, sichuan, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    indicator = services.indicator_create(
        task=joint, name="铁塔组立", unit="基", target=100, party=sichuan
    )
    upload = io.BytesIO(_png())
    upload.name = "现场照片.png"
    readings_url = f"/api/v1/indicators/{indicator.pk}/readings/"
    response = sc.post(
        readings_url,
        {"period": iso(-60), "value": "42", "note": "一季度", "evidence": upload},
        format="multipart",
        HTTP_IF_MATCH=etag(sc, readings_url),
    )
    assert response.status_code == 201, response.content
    url = response.json()["evidence_url"]
    download = client_for(cq_coord).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert APIClient().get(url).status_code == 401
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    fake.name = "report.pdf"
    refused = sc.post(
        readings_url,
        {"period": iso(-10), "value": "50", "evidence": fake},
        format="multipart",
        HTTP_IF_MATCH=etag(sc, readings_url),
    )
    assert refused.status_code == 400
    assert IndicatorReading.objects.filter(indicator=indicator).count() == 1


def test_progress_update_with_a_reading_and_its_evidence_is_one_request(
    sc, cq_coord, joint, sichuan, chongqing, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    own = services.indicator_create(
        task=joint, name="铁塔组立", unit="基", target=100, party=sichuan
    )
    url = f"/api/v1/tasks/{joint.pk}/progress-updates/"
    tag = part_etag(sc, joint)
    upload = io.BytesIO(_png())
    upload.name = "现场照片.png"
    body = {
        "narrative": "铁塔组立过半",
        "progress": "55",
        "indicator": str(own.pk),
        "period": iso(-60),
        "value": "42",
        "evidence": upload,
    }
    first = sc.post(
        url, body, format="multipart", HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="u-1"
    )
    assert first.status_code == 201, first.content
    posted = first.json()
    [reading] = posted["readings"]
    assert (reading["indicator"], reading["value"]) == (own.pk, "42.0000")
    assert reading["reported_at"] == posted["reported_at"]
    stored = IndicatorReading.objects.get(pk=reading["id"])
    assert stored.evidence and stored.party == sichuan
    download = client_for(cq_coord).get(reading["evidence_url"])
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    # One write, one new version: the answer's tag is the party's part's now.
    assert first["ETag"] == part_etag(sc, joint)
    assert first["ETag"] != tag
    upload.seek(0)
    replay = sc.post(
        url, body, format="multipart", HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="u-1"
    )
    assert replay.status_code == 201 and replay.json() == posted
    assert IndicatorReading.objects.filter(indicator=own).count() == 1
    assert ProgressUpdate.objects.filter(task=joint).count() == 1


def test_a_refused_reading_refuses_its_progress_update(sc, joint, sichuan, chongqing):
    own = services.indicator_create(
        task=joint, name="四川段投资", unit="亿元", party=sichuan
    )
    theirs = services.indicator_create(
        task=joint, name="重庆段投资", unit="亿元", party=chongqing
    )
    other_task = make_task(joint.initiative, code="NY-02")
    elsewhere = services.indicator_create(task=other_task, name="别处", unit="个")
    url = f"/api/v1/tasks/{joint.pk}/progress-updates/"
    base = {"narrative": "进展", "progress": 40}

    def post(**fields):
        tag = part_etag(sc, joint)
        return sc.post(url, {**base, **fields}, format="json", HTTP_IF_MATCH=tag)

    reading = {"period": iso(-60), "value": "3"}
    # An indicator of another task is refused like one that does not exist.
    for pk in (elsewhere.pk, 999999):
        response = post(indicator=pk, **reading)
        assert response.status_code == 400, response.content
        assert set(response.json()["errors"]) == {"indicator"}
    missing = post(indicator=own.pk)
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"period", "value"}
    orphan = post(**reading)
    assert orphan.status_code == 400
    assert set(orphan.json()["errors"]) == {"period", "value"}
    # The other party's indicator: a reading Sichuan may not report.
    assert post(indicator=theirs.pk, **reading).status_code == 403
    assert not ProgressUpdate.objects.filter(task=joint).exists()
    # A period already reported: the update is taken back with the reading.
    assert post(indicator=own.pk, **reading).status_code == 201
    again = post(indicator=own.pk, **reading)
    assert again.status_code == 400, again.content
    assert ProgressUpdate.objects.filter(task=joint).count() == 1
    assert IndicatorReading.objects.filter(indicator=own).count() == 1


def _race(user, url, tag, writers, label):
    """`writers` threads PATCH `url` with the same ETag at the same moment."""
    barrier = threading.Barrier(writers)
    results = []

    def write(i):
        try:
            barrier.wait()
            response = client_for(user).patch(
                url, {"description": f"{label}-{i}"}, format="json", HTTP_IF_MATCH=tag
            )
            results.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


@pytest.mark.django_db(transaction=True)
def test_racing_writers_with_the_same_etag_exactly_one_wins(
    sichuan, chongqing, initiative, sc_coord
):
    task = make_task(initiative, code="R-1")
    services.task_start(task=task, actor=sc_coord)
    ms = services.milestone_create(
        task=task, title="四川段", due_date=days(90), party=sichuan
    )
    url = f"/api/v1/milestones/{ms.pk}/"
    for round_ in range(5):
        tag = etag(client_for(sc_coord), url)
        assert _race(sc_coord, url, tag, 4, f"第{round_}轮") == [200, 412, 412, 412]
        ms.refresh_from_db()
        assert ms.description.startswith(f"第{round_}轮")
        assert ms.version == round_ + 2


def test_session_writes_need_the_csrf_token(sc_coord, joint):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(sc_coord)
    url = f"/api/v1/tasks/{joint.pk}/progress-updates/"
    tag = client.get(f"/api/v1/tasks/{joint.pk}/")["ETag"]
    response = client.post(
        url, {"narrative": "进展", "progress": 10}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not ProgressUpdate.objects.filter(task=joint).exists()


def test_token_authentication(sc_coord, joint):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=sc_coord)
    client = APIClient()
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "sc_coord"
    assert [m["role"] for m in me["memberships"]] == ["coordinator"]


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing/", "/api/v1/tasks/1.5/start/", "/api/v1/tasks/abc/"]
)
def test_unknown_api_paths_answer_problem_json(sc, path):
    response = sc.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_unknown_page_outside_the_api_is_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_list_shows_each_task_s_owners_as_its_detail_does(
    sc, joint, sichuan, sc_coord, initiative
):
    # The list reads the owners as plain rows, the detail through the
    # prefetch (tracker.api.serializers._owners): the same output.
    services.progress_update_post(
        task=joint, actor=sc_coord, narrative="四川段完成招标", progress=30
    )
    other = make_task(initiative, code="T-02")
    listed = {
        row["id"]: row["owners"]
        for row in sc.get("/api/v1/tasks/?page_size=100").json()["results"]
    }
    assert set(listed) == {joint.pk, other.pk}
    for task in (joint, other):
        detail = sc.get(f"/api/v1/tasks/{task.pk}/").json()["owners"]
        assert listed[task.pk] == detail
        # In the parties' order: by sort order, then code.
        assert [o["party"]["code"] for o in detail] == ["cq", "sc"]
    (part,) = [o for o in listed[joint.pk] if o["party"]["code"] == "sc"]
    assert part["progress"] == 30 and part["narrative"] == "四川段完成招标"
    assert part["progress_reported_at"] and part["etag"].endswith(
        f'-v{part["version"]}"'
    )
