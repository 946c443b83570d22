"""The report's opening summary (总体情况, reports/narrative/): every figure
it writes is taken back out of its text and checked against the snapshot, and
no other number appears; in Chinese and in English; at the head of the HTML,
the PDF's first page and the workbook's summary sheet."""

import copy
import datetime as dt
import html
import io
import re
import subprocess

import pytest
from django.test import override_settings
from django.utils import translation
from openpyxl import load_workbook

from charts.formatting import format_date
from reports import services
from reports.models import Report
from reports.narrative import LIST_LIMIT, story
from reports.render import render
from reports.render.formatting import format_period
from tests.reports.demo import DEMO_DAY
from tests.worlds import rolled_back
from tracker.demo import load_demo
from tracker.models import Initiative

LANGUAGES = ("zh-hans", "en")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="module")
def months(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo's September and October monthly reports: the first has no
    previous period, the second compares with the first."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with media, rolled_back(django_db_blocker):
        load_demo(today=DEMO_DAY)
        made = []
        for start in (dt.date(2026, 9, 1), dt.date(2026, 10, 1)):
            report, _ = services.report_request(
                initiative=Initiative.objects.get(),
                kind="monthly",
                period_start=start,
                today=DEMO_DAY,
            )
            services.report_generate(report_id=report.pk)
            made.append(Report.objects.get(pk=report.pk))
        yield made


@pytest.fixture
def september(months, db):
    return months[0]


@pytest.fixture
def october(months, db):
    return months[1]


# --- what a figure's source says, counted here apart from the narrative -------


def _stream_of(snapshot):
    return {t["code"]: t.get("work_stream") for t in snapshot.get("tasks") or []}


def count(snapshot: dict, name: str) -> int:
    tasks = snapshot.get("tasks") or []
    previous = snapshot.get("previous_tasks") or {}
    extensions = snapshot.get("extensions") or []
    streams = [_stream_of(snapshot).get(u["task_code"]) for u in snapshot["updates"]]
    if name.startswith("updates_in:"):
        return streams.count(name.split(":", 1)[1])
    return {
        "newly_red": lambda: sum(
            t["light"] == "red"
            and (previous.get(t["code"]) or {}).get("light") != "red"
            for t in tasks
        ),
        "red": lambda: sum(t["light"] == "red" for t in tasks),
        "streams_updated": lambda: len({s for s in streams if s}),
        "completed": lambda: len(snapshot["completed"]),
        "approved": lambda: sum(e["status"] == "approved" for e in extensions),
        "pending": lambda: sum(e["status"] == "pending" for e in extensions),
        "urged_tasks": lambda: sum(bool(t.get("urges")) for t in tasks),
        "at_risk": lambda: sum(bool(f["at_risk"]) for f in snapshot["forecast"]),
        "dependency_alerts": lambda: len(snapshot["dependency_alerts"]),
        "due_next": lambda: len(snapshot["next_period"]["milestones"]),
    }[name]()


def resolve(snapshot: dict, source: str):
    if source.startswith("count:"):
        return count(snapshot, source[6:])
    if source.startswith("more:"):
        return count(snapshot, source[5:]) - LIST_LIMIT
    value = snapshot
    for key in source.split("."):
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


def check(snapshot: dict, paragraphs) -> list[str]:
    """Every figure of every sentence is the snapshot's, written in the text;
    the text has no number but these (names and titles set aside). Returns
    the sources seen."""
    sources = []
    for paragraph in paragraphs:
        for sentence in paragraph.sentences:
            text, rest = sentence.text, sentence.text
            numbers = []
            for figure in sentence.figures:
                sources.append(figure.source)
                if figure.kind == "period":
                    start = resolve(snapshot, f"{figure.source}.period_start")
                    end = resolve(snapshot, f"{figure.source}.period_end")
                    assert figure.value == f"{start}/{end}"
                    kind = snapshot["report"]["kind"]
                    assert figure.text == format_period(kind, start, end)
                elif figure.kind == "date":
                    expected = resolve(snapshot, figure.source)[:10]
                    assert figure.value == expected, figure
                    assert figure.text in (format_date(expected), figure.text)
                    assert figure.text.replace(" ", "") in format_date(
                        expected
                    ).replace(" ", ""), figure
                else:
                    expected = resolve(snapshot, figure.source)
                    assert figure.value == expected, figure
                    written = float(figure.text.rstrip("%").replace(",", ""))
                    assert written == abs(float(expected)), figure
                    numbers.append(abs(float(expected)))
                if figure.kind != "number":
                    assert figure.text in text, (figure, text)
            cut = [f.text for f in sentence.figures if f.kind != "number"]
            for term in sorted({*sentence.terms, *cut}, key=len, reverse=True):
                assert term in text, (term, text)
                rest = rest.replace(term, " ")
            found = [float(n.replace(",", "")) for n in NUMBER.findall(rest)]
            assert sorted(found) == sorted(numbers), (text, found, numbers)
    return sources


def paragraphs(snapshot, language):
    with translation.override(language):
        return story(snapshot)


def checked(snapshot, language) -> list[str]:
    with translation.override(language):
        return check(snapshot, story(snapshot))


def text_of(snapshot, language) -> str:
    return "".join(p.text for p in paragraphs(snapshot, language))


# --- the demo's reports ------------------------------------------------------------

OVERALL = {
    "report.as_of_date",
    "summary.total",
    "summary.completed",
    "summary.completion_rate",
    "summary.milestones_total",
    "summary.milestones_done",
    "summary.milestones_overdue",
    "summary.by_light.red",
    "summary.by_light.amber",
    "summary.by_light.green",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_demo_monthly_report_states_the_snapshots_figures(october, language):
    snapshot = october.snapshot
    assert snapshot["previous"] and snapshot["previous_tasks"]
    sources = set(checked(snapshot, language))
    assert sources >= OVERALL
    assert {"previous", "updates_total"} <= sources
    assert "count:due_next" in sources and "count:streams_updated" in sources


def test_the_demo_monthly_report_reads_as_a_report(october):
    snapshot = october.snapshot
    zh = paragraphs(snapshot, "zh-hans")
    assert [p.heading for p in zh][:2] == ["总体进展", "本期进展"]
    summary = snapshot["summary"]
    first = zh[0].text
    assert first.startswith(
        f"截至2026年10月31日，成渝地区双城经济圈共有合作事项{summary['total']}项，"
        f"已完成{summary['completed']}项，完成率"
    )
    assert "与上期（2026年9月）相比" in first
    # Full-width punctuation only, and no space inside the Chinese text.
    text = "".join(p.text for p in zh)
    assert not re.search(r"[,;:!?()](?! )", text.replace(", ", "")), text
    assert not re.search(r"[\u4e00-\u9fff] |\s[\u4e00-\u9fff]", text), text
    english = text_of(snapshot, "en")
    assert english.startswith("As of 31 Oct 2026, ")
    assert "Compared with the previous period (September 2026)" in english
    # Chinese punctuation only inside the names it quotes (“…”).
    unquoted = re.sub(r"“[^”]*”", "", english)
    assert "\u3002" not in unquoted and "\uff0c" not in unquoted


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_first_report_has_nothing_to_compare_with(september, language):
    snapshot = september.snapshot
    assert snapshot["previous"] is None and snapshot["previous_tasks"] is None
    checked(snapshot, language)
    text = text_of(snapshot, language)
    assert (
        "本期为首期报告，暂无上期数据可供比较。" in text
        if language == "zh-hans"
        else "This is the first report for this scope" in text
    )
    assert "与上期" not in text and "Compared with" not in text


def test_red_lights_are_named_with_their_reasons(october):
    snapshot = copy.deepcopy(october.snapshot)
    task = snapshot["tasks"][0]
    task["light"] = "red"
    task["reason"] = {
        "code": "milestone_overdue",
        "figures": {
            "days": 0,
            "milestone": "节点甲",
            "milestones": 2,
            "milestone_days": 9,
        },
    }
    snapshot["previous_tasks"][task["code"]]["light"] = "green"
    checked(snapshot, "zh-hans")
    text = text_of(snapshot, "zh-hans")
    assert (
        f"“{task['title']}”（{task['code']}），2个节点逾期，最久的“节点甲”已逾期9天"
        in text
    )
    assert "本期新增红灯事项" in text
    checked(snapshot, "en")
    assert "2 milestones overdue, the longest “节点甲” by 9 days" in text_of(
        snapshot, "en"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_red_nothing_completed(october, language):
    snapshot = copy.deepcopy(october.snapshot)
    for task in snapshot["tasks"]:
        if task["light"] == "red":
            task["light"] = "amber"
    snapshot["summary"]["by_light"]["red"] = 0
    snapshot["completed"] = []
    checked(snapshot, language)
    text = text_of(snapshot, language)
    if language == "zh-hans":
        assert "本期无新销号事项。" in text
        assert "红灯事项" in text and "新增红灯" not in text
    else:
        assert "No task was completed and closed this period." in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_completions_extensions_and_reminders(october, language):
    snapshot = copy.deepcopy(october.snapshot)
    tasks = snapshot["tasks"]
    snapshot["completed"] = [
        {
            "task_id": t["task_id"],
            "code": t["code"],
            "title": t["title"],
            "work_stream": t["work_stream"],
            "completed_at": "2026-10-20T10:00:00+08:00",
            "claimed_by": "川",
            "confirmed_by": ["渝"],
        }
        for t in tasks[:5]
    ]
    extension = {
        "task_code": tasks[1]["code"],
        "task_title": tasks[1]["title"],
        "party": "川",
        "requested_at": "2026-10-08T09:00:00+08:00",
        "current_due_date": "2026-12-31",
        "requested_due_date": "2027-03-31",
        "days_overdue": 0,
        "reason": "",
        "status": "approved",
        "decided_at": "2026-10-09T09:00:00+08:00",
        "decision_note": "",
    }
    snapshot["extensions"] = [extension, {**extension, "status": "pending"}]
    snapshot["summary"].update(urges=7, notices=2)
    tasks[2]["urges"], tasks[3]["urges"] = 5, 2
    checked(snapshot, language)
    text = text_of(snapshot, language)
    if language == "zh-hans":
        assert "本期完成销号5项：" in text and "，经渝确认" in text
        assert "由2026年12月31日延至2027年3月31日" in text
        assert "1项延期申请待审批" in text
        assert "本期专班办公室发出催办7次、通报2次，其中" in text
        assert f"{tasks[2]['code']}催办5次" in text
    else:
        assert "5 tasks were completed and closed this period:" in text
        assert "and 2 more" in text
        assert "from 31 Dec 2026 to 31 Mar 2027" in text
        assert "1 extension request awaits a decision" in text


def _forecast(tasks, risky: int):
    return [
        {
            "task_id": t["task_id"],
            "code": t["code"],
            "title": t["title"],
            "due_date": "2026-12-31",
            "forecast_date": "2027-03-01",
            "slip_days": 60 + i if i < risky else 0,
            "at_risk": i < risky,
            "confidence": "medium",
        }
        for i, t in enumerate(tasks)
    ]


def test_no_forecast_no_word_of_it(october):
    """A snapshot frozen before forecasts were kept has neither key."""
    snapshot = copy.deepcopy(october.snapshot)
    del snapshot["forecast"], snapshot["dependency_alerts"]
    assert "预测" not in text_of(snapshot, "zh-hans")
    assert "forecast" not in text_of(snapshot, "en").lower()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_forecasts_warnings(october, language):
    snapshot = copy.deepcopy(october.snapshot)
    snapshot["forecast"] = _forecast(snapshot["tasks"][:6], risky=4)
    snapshot["dependency_alerts"] = [
        {
            "task_id": 1,
            "code": "NY-03",
            "blocker_code": "NY-02",
            "blocker_kind": "milestone",
            "reason": "blocker_late",
        }
    ]
    checked(snapshot, language)
    text = text_of(snapshot, language)
    # The latest first; the list cut after three.
    if language == "zh-hans":
        assert "据预测，4项事项存在延期风险：" in text
        assert "预计2027年3月1日完成，较计划晚63天" in text
        assert text.index("晚63天") < text.index("晚62天") < text.index("晚61天")
        assert "晚60天" not in text
        assert "NY-03（受NY-02影响）" in text
    else:
        assert "The forecast sees 4 tasks at risk of slipping:" in text
        assert "expected on 1 Mar 2027, 63 days late" in text and "and 1 more" in text
        assert text.index("63 days") < text.index("62 days") < text.index("61 days")
    # A forecast that names no date for an item names the item alone.
    snapshot["forecast"][3]["forecast_date"] = None
    checked(snapshot, language)
    snapshot["forecast"] = _forecast(snapshot["tasks"][:6], risky=0)
    assert ("在办事项均可按期完成" if language == "zh-hans" else "on time") in (
        text_of(snapshot, language)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_empty_scope(october, language):
    snapshot = copy.deepcopy(october.snapshot)
    snapshot["summary"].update(total=0, completed=0, completion_rate=None)
    for key in ("tasks", "overdue", "completed", "extensions", "updates"):
        snapshot[key] = []
    (paragraph,) = paragraphs(snapshot, language)
    checked(snapshot, language)
    assert paragraph.text == (
        "截至2026年10月31日，成渝地区双城经济圈暂无合作事项。"
        if language == "zh-hans"
        else "As of 31 Oct 2026, 成渝地区双城经济圈 has no tasks."
    )


def test_a_snapshot_frozen_before_the_summary_still_reads(october):
    """Reports frozen before the narrative have no previous task lights nor
    next period: it says what they hold, the same on every rendering."""
    snapshot = copy.deepcopy(october.snapshot)
    del snapshot["previous_tasks"], snapshot["next_period"]
    for language in LANGUAGES:
        first = [p.text for p in paragraphs(snapshot, language)]
        assert first == [p.text for p in paragraphs(snapshot, language)]
        checked(snapshot, language)
    assert "目前亮红灯事项" in text_of(snapshot, "zh-hans")


# --- at the head of every rendering --------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_renderings_open_with_the_summary(october, language):
    snapshot = october.snapshot
    first = paragraphs(snapshot, language)[0].text
    heading = "总体情况" if language == "zh-hans" else "Overall situation"

    page = html.unescape(render("html", snapshot, language=language).decode())
    assert page.index(heading) < page.index('id="report-summary"')
    assert first in page

    pdf = render("pdf", snapshot, language=language)
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert _squash(heading) in _squash(first_page)
    assert _squash(first[:60]) in _squash(first_page)

    workbook = load_workbook(io.BytesIO(render("xlsx", snapshot, language=language)))
    cells = [
        str(row[0])
        for row in workbook.worksheets[0].iter_rows(values_only=True)
        if row and row[0]
    ]
    assert cells[1] == heading
    assert cells[2].endswith(first)
