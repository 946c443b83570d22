"""The report pages: library, generate form, report page and downloads."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from reports.choices import ReportStatus
from reports.models import Report
from reports.services import report_request
from reports.snapshot import report_snapshot
from tests.clock import days, iso
from tests.factories import PartyFactory, make_initiative

# Dates are written from the tests' frozen today (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LIBRARY = "/reports/"
GENERATE = "/reports/generate/"


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")


# Rows made here are data: the library lists and filters them by period, never
# against the clock. What is asked of the service is dated from today.
def _report(initiative, *, kind="weekly", start=dt.date(2025, 3, 3), **fields):
    length = {"weekly": 6, "monthly": 30, "on_demand": 9}[kind]
    return Report.objects.create(
        initiative=initiative,
        kind=kind,
        period_start=start,
        period_end=start + dt.timedelta(days=length),
        **fields,
    )


def _done(report):
    report.snapshot = report_snapshot(report)
    report.status = ReportStatus.DONE
    report.step = report.steps_total
    report.finished_at = dt.datetime(2025, 3, 10, 0, 30, tzinfo=dt.UTC)
    report.save()
    return report


def _on_demand(initiative, **overrides):
    data = {
        "initiative": initiative.pk,
        "kind": "on_demand",
        "scope": "initiative",
        "party": "",
        "work_stream": "",
        "period_start": iso(-60),
        "period_end": iso(-30),
    }
    data.update(overrides)
    return data


def _body(response) -> str:
    return response.content.decode()


# --- access ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LIBRARY, "/reports/1/", "/reports/1/download/pdf/"])
def test_anonymous_users_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_url_names(initiative):
    assert reverse("reports:library") == LIBRARY
    assert reverse("reports:generate") == GENERATE
    assert reverse("reports:detail", args=[7]) == "/reports/7/"
    assert reverse("reports:download", args=[7, "pdf"]) == "/reports/7/download/pdf/"


# --- the library -------------------------------------------------------------------


def test_library_lists_visible_reports_and_filters_by_kind(
    client, initiative, cq_coord
):
    weekly = _report(initiative, kind="weekly")
    monthly = _report(initiative, kind="monthly", start=dt.date(2025, 2, 1))
    elsewhere = make_initiative([PartyFactory(code="gz", name="贵州省")])
    hidden = _report(elsewhere, kind="weekly")
    client.force_login(cq_coord)

    body = _body(client.get(LIBRARY, **EN))
    assert reverse("reports:detail", args=[weekly.pk]) in body
    assert reverse("reports:detail", args=[monthly.pk]) in body
    assert reverse("reports:detail", args=[hidden.pk]) not in body
    assert "2 reports" in body

    body = _body(client.get(LIBRARY, {"kind": "monthly"}, **EN))
    assert reverse("reports:detail", args=[monthly.pk]) in body
    assert reverse("reports:detail", args=[weekly.pk]) not in body
    assert "1 report" in body


def test_library_filters_by_period_and_ignores_an_invalid_filter(
    client, initiative, cq_coord
):
    march = _report(initiative, start=dt.date(2025, 3, 3))
    may = _report(initiative, start=dt.date(2025, 5, 5))
    client.force_login(cq_coord)

    body = _body(client.get(LIBRARY, {"period_from": "2025-05-01"}, **EN))
    assert reverse("reports:detail", args=[may.pk]) in body
    assert reverse("reports:detail", args=[march.pk]) not in body

    response = client.get(LIBRARY, {"period_from": "not a date", "kind": "x"}, **EN)
    assert response.status_code == 200
    body = _body(response)
    assert "Enter a valid date." in body
    assert reverse("reports:detail", args=[may.pk]) in body
    assert reverse("reports:detail", args=[march.pk]) in body


def test_library_pages_by_twenty(client, initiative, cq_coord):
    for week in range(21):
        _report(initiative, start=dt.date(2024, 1, 1) + dt.timedelta(weeks=week))
    client.force_login(cq_coord)

    first = _body(client.get(LIBRARY, {"kind": "weekly"}, **EN))
    assert first.count('<th scope="row" class="cell-title">') == 20
    assert "Page 1 of 2" in first
    assert f"{LIBRARY}?kind=weekly&amp;page=2" in first
    second = _body(client.get(LIBRARY, {"kind": "weekly", "page": 2}, **EN))
    assert second.count('<th scope="row" class="cell-title">') == 1


def test_library_shows_status_and_links_of_a_ready_report(
    client, initiative, sc_leader
):
    ready = _done(_report(initiative))
    running = _report(
        initiative, start=dt.date(2025, 3, 10), status=ReportStatus.RUNNING, step=2
    )
    client.force_login(sc_leader)

    body = _body(client.get(LIBRARY, **EN))
    assert "Ready" in body
    assert "2025-03-10 08:30" in body  # Beijing time
    assert "Step 2 of 4" in body
    pdf = reverse("reports:download", args=[ready.pk, "pdf"])
    assert f'href="{pdf}?lang=en"' in body
    assert reverse("reports:download", args=[ready.pk, "xlsx"]) in body
    assert reverse("reports:download", args=[running.pk, "pdf"]) not in body


def test_a_failure_is_explained_to_the_requester_and_administrators_only(
    client, initiative, sc_leader, cq_coord, office
):
    _report(
        initiative,
        status=ReportStatus.FAILED,
        error="OSError: disk full",
        requested_by=sc_leader,
    )
    for user, sees in [(sc_leader, True), (office, True), (cq_coord, False)]:
        client.force_login(user)
        body = _body(client.get(LIBRARY, **EN))
        assert "Failed" in body
        assert ("disk full" in body) is sees, user


def test_library_is_in_chinese_by_default(client, initiative, cq_coord):
    client.force_login(cq_coord)
    body = _body(client.get(LIBRARY))
    assert 'lang="zh-Hans"' in body


# --- generating --------------------------------------------------------------------


def test_generate_form_is_hidden_from_a_coordinator_and_refused_on_post(
    client, initiative, sc_coord
):
    client.force_login(sc_coord)
    body = _body(client.get(LIBRARY, **EN))
    assert f'action="{GENERATE}"' not in body
    assert "Generate a report now" not in body

    response = client.post(GENERATE, _on_demand(initiative))
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_generate_form_is_offered_to_leadership(client, initiative, sc_leader):
    client.force_login(sc_leader)
    body = _body(client.get(LIBRARY, **EN))
    assert f'action="{GENERATE}"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    for name in ("kind", "scope", "party", "work_stream", "period_start"):
        assert f'<label for="id_{name}">' in body


def test_leadership_generates_a_report_once(client, initiative, sc_leader):
    client.force_login(sc_leader)

    response = client.post(GENERATE, _on_demand(initiative), follow=True, **EN)
    report = Report.objects.get()
    assert response.redirect_chain == [
        (reverse("reports:detail", args=[report.pk]), 302)
    ]
    assert report.requested_by == sc_leader
    assert (report.period_start, report.period_end) == (
        days(-60),
        days(-30),
    )
    assert "queued" in _body(response)

    again = client.post(GENERATE, _on_demand(initiative), follow=True, **EN)
    assert Report.objects.count() == 1
    assert again.redirect_chain[-1][0] == reverse("reports:detail", args=[report.pk])
    assert "already exists" in _body(again)


def test_invalid_input_is_shown_with_the_users_input_and_creates_nothing(
    client, initiative, sc_leader
):
    client.force_login(sc_leader)
    data = _on_demand(initiative, period_start=iso(-50), period_end=iso(-59))

    response = client.post(GENERATE, data, **EN)
    assert response.status_code == 200
    body = _body(response)
    assert "The period cannot end before it starts." in body
    assert f'value="{iso(-50)}"' in body and f'value="{iso(-59)}"' in body
    assert 'aria-invalid="true"' in body
    assert not Report.objects.exists()


def test_a_party_report_needs_a_party(client, initiative, sc_leader):
    client.force_login(sc_leader)

    response = client.post(GENERATE, _on_demand(initiative, scope="party"), **EN)
    assert "Choose a party that takes part in the initiative." in _body(response)
    assert not Report.objects.exists()


def test_invalid_input_is_explained_in_chinese_by_default(
    client, initiative, sc_leader
):
    client.force_login(sc_leader)
    response = client.post(GENERATE, _on_demand(initiative, period_end="31/03"))
    assert response.status_code == 200
    assert "输入一个有效的日期" in _body(response)  # Django's own zh-Hans catalogue
    assert not Report.objects.exists()


@pytest.mark.parametrize("kind", ["weekly", "monthly", "quarterly"])
def test_a_day_at_the_end_of_the_calendar_is_refused_on_the_form(
    client, initiative, sc_leader, kind
):
    client.force_login(sc_leader)
    data = _on_demand(
        initiative, kind=kind, period_start="9999-12-31", period_end="9999-12-31"
    )

    response = client.post(GENERATE, data, **EN)
    assert response.status_code == 200
    body = _body(response)
    assert "The period has not started yet." in body
    assert 'aria-invalid="true"' in body
    chinese = client.post(GENERATE, data)
    assert "尚未开始" in _body(chinese)
    assert not Report.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_library_filter_takes_any_calendar_day(client, initiative, cq_coord, day):
    _done(_report(initiative))
    client.force_login(cq_coord)
    response = client.get(LIBRARY, {"period_from": day, "period_to": day})
    assert response.status_code == 200


def test_generate_needs_the_csrf_token(initiative, sc_leader):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(sc_leader)
    assert client.post(GENERATE, _on_demand(initiative)).status_code == 403
    assert not Report.objects.exists()


# --- one report --------------------------------------------------------------------


def test_a_queued_report_shows_live_progress_without_inline_script(
    client, initiative, sc_leader
):
    report, _created = report_request(
        initiative=initiative,
        kind="on_demand",
        period_start=days(-60),
        period_end=days(-30),
        requested_by=sc_leader,
    )
    client.force_login(sc_leader)

    response = client.get(reverse("reports:detail", args=[report.pk]), **EN)
    assert response.status_code == 200
    body = _body(response)
    assert f'data-status-url="/api/v1/reports/{report.pk}/"' in body
    assert re.search(r'<progress id="report-progress" max="4" value="0"', body)
    assert "Step 0 of 4" in body
    assert "<noscript>" in body
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts and all(" src=" in tag for tag in scripts)
    assert "progress.js" in scripts[0]
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", body)  # nothing inline
    assert not re.search(r"\son[a-z]+=", body)  # no inline event handlers
    assert " style=" not in body


def test_the_status_url_answers_for_the_page(client, initiative, sc_leader):
    report = _report(initiative, status=ReportStatus.RUNNING, step=3)
    client.force_login(sc_leader)
    body = _body(client.get(reverse("reports:detail", args=[report.pk]), **EN))
    url = re.search(r'data-status-url="([^"]+)"', body).group(1)
    data = client.get(url, HTTP_ACCEPT="application/json").json()
    assert (data["status"], data["step"], data["steps_total"]) == ("running", 3, 4)


def test_a_ready_report_shows_its_body(client, initiative, task, sc_leader):
    report = _done(_report(initiative))
    client.force_login(sc_leader)

    response = client.get(reverse("reports:detail", args=[report.pk]), **EN)
    assert response.status_code == 200
    body = _body(response)
    assert re.search(r"<h2[^>]*>\s*Summary\s*</h2>", body)
    assert "reports/report.css" in body
    assert "<progress" not in body and "progress.js" not in body
    for fmt in ("pdf", "xlsx", "html"):
        url = reverse("reports:download", args=[report.pk, fmt])
        assert f'href="{url}?lang=en"' in body


def test_a_failed_report_can_be_asked_for_again(client, initiative, sc_leader):
    report = _report(
        initiative,
        kind="on_demand",
        start=days(-40),
        status=ReportStatus.FAILED,
        error="boom",
    )
    client.force_login(sc_leader)

    body = _body(client.get(reverse("reports:detail", args=[report.pk]), **EN))
    assert "Generation failed" in body
    assert "data-status-url" not in body and "progress.js" not in body
    assert "Try again" in body

    data = _on_demand(initiative, period_start=iso(-40), period_end=iso(-31))
    client.post(GENERATE, data)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED and Report.objects.count() == 1


def test_another_initiatives_report_is_not_found(client, initiative, sc_leader):
    elsewhere = make_initiative([PartyFactory(code="gz", name="贵州省")])
    report = _done(_report(elsewhere))
    client.force_login(sc_leader)

    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    url = reverse("reports:download", args=[report.pk, "pdf"])
    assert client.get(url).status_code == 404
    assert client.get("/reports/999999/").status_code == 404


# --- downloads ---------------------------------------------------------------------


def test_downloading_a_report_not_ready_is_a_conflict(client, initiative, cq_coord):
    report = _report(initiative)
    client.force_login(cq_coord)

    response = client.get(reverse("reports:download", args=[report.pk, "pdf"]), **EN)
    assert response.status_code == 409
    body = _body(response)
    assert "The report is not ready yet." in body
    assert f'data-status-url="/api/v1/reports/{report.pk}/"' in body


def test_an_unknown_format_is_not_found(client, initiative, cq_coord):
    report = _done(_report(initiative))
    client.force_login(cq_coord)
    url = reverse("reports:download", args=[report.pk, "docx"])
    assert client.get(url).status_code == 404


def test_another_language_shows_progress_then_downloads(
    client, initiative, task, cq_coord, monkeypatch, django_capture_on_commit_callbacks
):
    from reports import renditions, tasks
    from reports.models import ReportRendition

    queued = []
    monkeypatch.setattr(
        tasks.generate_rendition, "apply_async", lambda args, **kw: queued.append(args)
    )
    report = _done(_report(initiative))
    client.force_login(cq_coord)
    url = reverse("reports:download", args=[report.pk, "pdf"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, {"lang": "en"}, **EN)
    assert response.status_code == 202
    assert response["Content-Type"].startswith("text/html")
    body = _body(response)
    assert "PDF in English: being prepared" in body
    status_url = re.search(r'data-status-url="([^"]+)"', body).group(1)
    assert status_url == f"/api/v1/reports/{report.pk}/renditions/en/"
    assert re.search(r'<progress id="report-progress" max="3" value="0"', body)
    assert "Queued: waiting for a worker to start it." in body
    assert "<noscript>" in body and f'href="{url}?lang=en"' in body
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts and all(" src=" in tag for tag in scripts)
    assert any("progress.js" in tag for tag in scripts)
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", body)
    assert not re.search(r"\son[a-z]+=", body) and " style=" not in body
    chinese = _body(client.get(url, {"lang": "en"}))
    assert "正在准备" in chinese  # the page speaks the reader's language
    assert len(queued) == 1 and ReportRendition.objects.count() == 1

    polled = client.get(status_url, HTTP_ACCEPT="application/json").json()
    assert (polled["status"], polled["step"], polled["steps_total"]) == (
        "queued",
        0,
        3,
    )
    renditions.report_rendition_generate(rendition_id=queued[0][0])
    assert client.get(status_url).json()["status"] == "done"

    # Reloading the page (by hand, or the script when done) downloads.
    response = client.get(url, {"lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Report-SHA256"]
    assert len(queued) == 1


def test_generate_by_get_goes_back_to_the_library(client, sc_leader):
    # Switching the language on a refused form reloads its address with GET.
    client.force_login(sc_leader)
    response = client.get(GENERATE)
    assert response.status_code == 302 and response["Location"] == LIBRARY


def test_an_id_beyond_the_column_is_not_found(client, cq_coord):
    client.force_login(cq_coord)
    assert client.get("/reports/99999999999999999999/").status_code == 404
