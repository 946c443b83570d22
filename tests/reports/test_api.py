"""The report endpoints: asking, reading, downloading, subscribing."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from reports import services
from reports.models import Report, ReportRendition, ReportSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def client_for(user, language="zh-hans"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def _on_demand(initiative, days=6):
    today = timezone.localdate()
    return {
        "initiative": initiative.pk,
        "kind": "on_demand",
        "period_start": (today - dt.timedelta(days=days)).isoformat(),
        "period_end": today.isoformat(),
    }


def test_leadership_asks_once_and_gets_the_same_report_again(initiative, sc_leader):
    client = client_for(sc_leader)
    first = client.post("/api/v1/reports/", _on_demand(initiative), format="json")
    assert first.status_code == 202, first.content
    body = first.json()
    assert body["status"] == "queued" and body["step"] == 0
    assert body["steps_total"] == 4 and body["files"] == []
    assert first["Location"] == f"/api/v1/reports/{body['id']}/"
    again = client.post("/api/v1/reports/", _on_demand(initiative), format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Report.objects.count() == 1


def test_a_coordinator_may_not_ask(initiative, sc_coord):
    response = client_for(sc_coord).post(
        "/api/v1/reports/", _on_demand(initiative), format="json"
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert "领导" in response.json()["detail"]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "fortnightly"}, "kind"),
        # Not a date at all.
        ({"period_start": "2026-13-01"}, "period_start"),
        ({"period_end": "2020-01-01"}, "period_end"),
        ({"scope": "party"}, "scope_party"),
        ({"status": "done"}, "status"),
    ],
)
def test_bad_input_is_explained_in_chinese_and_changes_nothing(
    initiative, sc_leader, change, field
):
    response = client_for(sc_leader).post(
        "/api/v1/reports/", {**_on_demand(initiative), **change}, format="json"
    )
    assert response.status_code == 400, response.content
    problem = response.json()
    assert field in problem["errors"], problem
    message = " ".join(problem["errors"][field])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert not Report.objects.exists()


def test_english_errors_on_request(initiative, sc_leader):
    response = client_for(sc_leader, "en").post(
        "/api/v1/reports/",
        {**_on_demand(initiative), "period_end": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "before it starts" in " ".join(response.json()["errors"]["period_end"])


@pytest.mark.parametrize(
    ("kind", "day"),
    [
        ("weekly", "9999-12-31"),
        ("weekly", "9999-12-27"),
        ("monthly", "9999-12-31"),
        ("monthly", "9999-12-01"),
        ("quarterly", "9999-12-31"),
        ("quarterly", "9999-10-01"),
        ("on_demand", "9999-12-31"),
    ],
)
@pytest.mark.parametrize("field", ["period_start", "period_end"])
def test_a_period_at_the_end_of_the_calendar_is_a_field_error(
    initiative, sc_leader, kind, day, field
):
    body = {"initiative": initiative.pk, "kind": kind, field: day}
    if kind == "on_demand":
        body = {**body, "period_start": "9999-12-25", "period_end": "9999-12-31"}
    for language, words in (("zh-hans", "尚未开始"), ("en", "not started yet")):
        response = client_for(sc_leader, language).post(
            "/api/v1/reports/", body, format="json"
        )
        assert response.status_code == 400, response.content
        problem = response.json()
        assert response["Content-Type"].startswith("application/problem+json")
        assert words in " ".join(problem["errors"]["period_start"]), problem
    assert not Report.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_list_filters_take_any_calendar_day(initiative, sc_leader, day):
    client = client_for(sc_leader)
    for name in ("period_from", "period_to"):
        response = client.get("/api/v1/reports/", {name: day})
        assert response.status_code == 200, response.content
    bad = client.get("/api/v1/reports/", {"period_from": "10000-01-01"})
    assert bad.status_code == 400
    assert "period_from" in bad.json()["errors"]


def test_list_filters_and_scopes(initiative, sc_leader, cq_coord):
    today = timezone.localdate()
    services.report_request(
        initiative=initiative, kind="weekly", today=today + dt.timedelta(days=7)
    )
    services.report_request(initiative=initiative, kind="monthly", today=today)
    client = client_for(cq_coord)
    everything = client.get("/api/v1/reports/").json()
    assert everything["count"] == 2
    weekly = client.get("/api/v1/reports/", {"kind": "weekly"}).json()
    assert [r["kind"] for r in weekly["results"]] == ["weekly"]
    assert weekly["results"][0]["kind_display"] == "周报"


def test_download_waits_for_the_report_then_serves_each_format(
    initiative, task, sc_leader
):
    client = client_for(sc_leader)
    created = client.post("/api/v1/reports/", _on_demand(initiative), format="json")
    report_id = created.json()["id"]
    not_yet = client.get(f"/api/v1/reports/{report_id}/download/pdf/")
    assert not_yet.status_code == 409
    services.report_generate(report_id=report_id)

    detail = client.get(f"/api/v1/reports/{report_id}/").json()
    assert detail["status"] == "done" and detail["step"] == 4
    assert {f["format"] for f in detail["files"]} == {"html", "pdf", "xlsx"}
    for stored in detail["files"]:
        response = client.get(stored["url"])
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert len(content) == stored["size"]
        assert response["X-Report-SHA256"] == stored["sha256"]
        assert "attachment" in response["Content-Disposition"]
    pdf = client.get(f"/api/v1/reports/{report_id}/download/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    snapshot = client.get(f"/api/v1/reports/{report_id}/snapshot/").json()
    assert snapshot["summary"]["total"] == 1


def _never_render(monkeypatch):
    """Any rendering in this process from now on fails the test."""
    import reports.render
    import reports.render.pdf
    import reports.render.xlsx

    def refuse(*args, **kwargs):
        raise AssertionError("a web request rendered a report file")

    monkeypatch.setattr(reports.render, "render", refuse)
    monkeypatch.setattr(reports.render.pdf, "render_pdf", refuse)
    monkeypatch.setattr(reports.render.xlsx, "render_xlsx", refuse)


def _finished_report(initiative, user):
    client = client_for(user)
    created = client.post("/api/v1/reports/", _on_demand(initiative), format="json")
    report_id = created.json()["id"]
    services.report_generate(report_id=report_id)
    return report_id


def test_another_language_is_made_by_the_worker_not_the_request(
    initiative, task, sc_leader, monkeypatch, django_capture_on_commit_callbacks
):
    from reports import renditions, tasks

    report_id = _finished_report(initiative, sc_leader)
    queued = []
    monkeypatch.setattr(
        tasks.generate_rendition, "apply_async", lambda args, **kw: queued.append(args)
    )
    client = client_for(sc_leader, "en")
    with (
        monkeypatch.context() as patched,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _never_render(patched)
        answers = [
            client.get(f"/api/v1/reports/{report_id}/download/{fmt}/?lang=en")
            for fmt in ("pdf", "xlsx", "html", "pdf")
        ]
    for answer in answers:
        assert answer.status_code == 202, answer.content
        assert answer["Location"] == f"/api/v1/reports/{report_id}/renditions/en/"
        assert answer["Retry-After"] == "2"
        body = answer.json()
        assert (body["language"], body["status"], body["step"]) == ("en", "queued", 0)
        assert body["steps_total"] == 3 and body["files"] == []
    rendition = ReportRendition.objects.get()
    assert queued == [[rendition.pk]]  # one generation for four requests

    poll = client.get(answers[0]["Location"])
    assert poll.status_code == 200 and poll.json()["status"] == "queued"
    done = renditions.report_rendition_generate(rendition_id=rendition.pk)
    assert done.status == "done" and done.attempts == 1
    assert renditions.report_rendition_generate(rendition_id=rendition.pk) is None

    finished = client.get(answers[0]["Location"]).json()
    assert finished["status"] == "done" and finished["step"] == 3
    assert {f["format"] for f in finished["files"]} == {"html", "pdf", "xlsx"}
    with monkeypatch.context() as patched:
        _never_render(patched)
        for stored in finished["files"]:
            assert stored["language"] == "en" and stored["url"].endswith("?lang=en")
            response = client.get(stored["url"])
            assert response.status_code == 200
            content = b"".join(response.streaming_content)
            assert len(content) == stored["size"]
            assert response["X-Report-SHA256"] == stored["sha256"]
            if stored["format"] == "html":
                assert b'lang="en"' in content and b"Summary" in content
        # The default language is served as before, and is listed apart.
        zh = client.get(f"/api/v1/reports/{report_id}/download/html/?lang=zh-hans")
        assert zh.status_code == 200 and "X-Report-SHA256" in zh
    detail = client.get(f"/api/v1/reports/{report_id}/").json()
    languages = sorted((f["language"], f["format"]) for f in detail["files"])
    assert [lang for lang, _fmt in languages] == ["en"] * 3 + ["zh-hans"] * 3
    assert queued == [[rendition.pk]]


def test_no_rendition_is_asked_for_before_the_report_is_ready(initiative, sc_leader):
    client = client_for(sc_leader)
    created = client.post("/api/v1/reports/", _on_demand(initiative), format="json")
    report_id = created.json()["id"]
    response = client.get(f"/api/v1/reports/{report_id}/download/pdf/?lang=en")
    assert response.status_code == 409
    assert not ReportRendition.objects.exists()
    missing = client.get(f"/api/v1/reports/{report_id}/renditions/en/")
    assert missing.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_downloads_in_another_language_start_one_generation(
    initiative, task, sc_leader, monkeypatch
):
    import threading

    from django.db import connections

    from reports import tasks

    report_id = _finished_report(initiative, sc_leader)
    queued = []
    monkeypatch.setattr(
        tasks.generate_rendition, "apply_async", lambda args, **kw: queued.append(args)
    )
    _never_render(monkeypatch)
    barrier = threading.Barrier(6)
    codes, errors = [], []

    def download(fmt):
        try:
            client = client_for(sc_leader, "en")
            barrier.wait()
            codes.append(
                client.get(
                    f"/api/v1/reports/{report_id}/download/{fmt}/?lang=en"
                ).status_code
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=download, args=(fmt,))
        for fmt in ("pdf", "pdf", "pdf", "xlsx", "xlsx", "html")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert codes == [202] * 6
    assert ReportRendition.objects.count() == 1
    assert len(queued) == 1


def test_unknown_format_is_404(initiative, task, sc_leader):
    report, _ = services.report_request(
        initiative=initiative,
        kind="on_demand",
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
    )
    response = client_for(sc_leader).get(f"/api/v1/reports/{report.pk}/download/doc/")
    assert response.status_code == 404


def test_subscriptions_are_the_callers_own(initiative, sc_leader, cq_coord):
    leader = client_for(sc_leader)
    created = leader.post(
        "/api/v1/report-subscriptions/",
        {"initiative": initiative.pk, "kind": "weekly"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["scope"] == "initiative"
    assert client_for(cq_coord).get("/api/v1/report-subscriptions/").json() == []
    gone = client_for(cq_coord).delete(
        f"/api/v1/report-subscriptions/{created.json()['id']}/"
    )
    assert gone.status_code == 404
    assert (
        leader.delete(
            f"/api/v1/report-subscriptions/{created.json()['id']}/"
        ).status_code
        == 204
    )
    assert not ReportSubscription.objects.exists()
