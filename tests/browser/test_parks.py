"""A park's evaluation in real browsers, on the demo: Sichuan's coordinator
reports 成都经济技术开发区's values with an evidence file; Chongqing's
coordinator (the paired party) queries one figure; Sichuan corrects it and
submits again; Chongqing agrees; the joint office scores the park and
publishes the cycle; leadership reads the result on the dashboard and on the
park's page. Each page is photographed at 1366 and 375 px
(BROWSER_ARTIFACTS), and none scrolls sideways on a phone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pghistory
import pytest
from django.utils import timezone

from accounts.models import User
from parks import services
from parks.choices import AssessmentState, CycleState
from parks.demo import INDICATORS, VALUES
from parks.models import AssessmentEvidence, EvaluationCycle, ParkAssessment
from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.models import IndustrialPark, Initiative

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP = {"width": 1366, "height": 900}
PARK = "成都经济技术开发区"
PAIRED = "重庆两江新区鱼复工业园"
QUERY = "产品互采订单含已终止合同约6亿元，请剔除后重新报送。"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _values(park: str) -> dict:
    codes = [i[0] for i in INDICATORS]
    figures = dict(zip(codes, VALUES[park], strict=True))
    return {c: (v, c == "firms", "") for c, v in figures.items()}


@pytest.fixture
def cycle():
    """The demo, and its second cycle open: every park of the batch but
    成都经济技术开发区 reported and agreed already."""
    with pghistory.context(source="command", command="load_demo"):
        load_demo()
    users = {u.username: u for u in User.objects.all()}
    office = users["admin"]
    today = timezone.localdate()
    cycle = services.cycle_create(
        user=office,
        initiative=Initiative.objects.get(),
        name="2024年度产业合作示范园区绩效评价",
        batch=2021,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        submit_due=today + dt.timedelta(days=3),
        review_due=today + dt.timedelta(days=20),
        score_due=today + dt.timedelta(days=35),
        publish_due=today + dt.timedelta(days=50),
    )
    for code, name, unit, rule, figures, weight in INDICATORS:
        services.indicator_add(
            user=office,
            cycle=cycle,
            code=code,
            name=name,
            unit=unit,
            rule=rule,
            weight=Decimal(weight),
            **{k: Decimal(v) for k, v in figures.items()},
        )
    coordinator = {"SC": users["sc_coord"], "CQ": users["cq_coord"]}
    others = cycle.assessments.select_related("park__party").exclude(park__name=PARK)
    for a in others:
        services.assessment_submit(
            user=coordinator[a.park.party.code],
            assessment=a,
            values=_values(a.park.name),
            evidence=[_pdf_upload(a.park.name)],
        )
    for a in others:
        reviewer = coordinator["CQ" if a.park.party.code == "SC" else "SC"]
        services.assessment_agree(
            user=reviewer, assessment=ParkAssessment.objects.get(pk=a.pk)
        )
    return cycle


def _score_the_others(cycle) -> None:
    """The rank indicator lets the office score only once every park is
    agreed: the other parks are scored once 成都经济技术开发区 is."""
    office = User.objects.get(username="admin")
    for a in cycle.assessments.exclude(park__name=PARK):
        services.assessment_score(user=office, assessment=a)


def _pdf_upload(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"{name}自评报告.pdf", PDF, "application/pdf")


def _both_widths(visitor, label: str) -> None:
    page = visitor.page
    page.set_viewport_size(DESKTOP)
    visitor.shot(f"{label}-1366")
    page.set_viewport_size(PHONE)
    visitor.shot(f"{label}-375")
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"{label} scrolls sideways at 375 px: {wide}"
    page.set_viewport_size(DESKTOP)


def _assessment() -> ParkAssessment:
    return ParkAssessment.objects.get(
        park__name=PARK, cycle__name="2024年度产业合作示范园区绩效评价"
    )


def _row(page):
    park = IndustrialPark.objects.get(name=PARK)
    return page.locator(f'[data-testid="park-row"][data-park="{park.pk}"]')


def _open_park(visitor) -> None:
    page = visitor.page
    page.goto("/")
    page.get_by_test_id("nav-parks").click()
    page.wait_for_url("**/parks/")
    with page.expect_navigation():
        _row(page).locator("th a").click()
    assert PARK in page.get_by_test_id("park-title").inner_text()


def test_a_park_is_reported_queried_corrected_agreed_scored_and_published(
    visitors, cycle, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    sc = visitors("sc_coord", viewport=DESKTOP)
    sc.login("sc_coord", DEMO_PASSWORD)
    _open_park(sc)
    page = sc.page
    _both_widths(sc, "park-draft")

    # Sichuan reports the values, a lower bound marked, with an evidence file.
    form = page.get_by_test_id("form-submit")
    figures = dict(zip([i[0] for i in INDICATORS], VALUES[PARK], strict=True))
    figures["orders"] = "96"
    for code, value in figures.items():
        form.locator(f"#id_submit-value_{code}").fill(value)
    form.locator("#id_submit-lower_firms").check()
    form.locator("#id_submit-note_firms").fill("共建企业超88家，名单附后")
    evidence = tmp_path / "成都经开区绩效自评报告.pdf"
    evidence.write_bytes(PDF)
    form.locator("#id_submit-evidence_files").set_input_files(str(evidence))
    sc.shot("values-filled")
    with page.expect_navigation():
        form.get_by_test_id("submit-submit").click()
    assert "数据已报送" in page.locator("ul.messages").inner_text()
    assert _assessment().state == AssessmentState.SUBMITTED
    values = page.get_by_test_id("values-table")
    assert "超88家" in values.locator('[data-code="firms"]').inner_text()
    assert "96亿元" in values.locator('[data-code="orders"]').inner_text()
    link = page.get_by_test_id("evidence-link")
    assert "成都经开区绩效自评报告.pdf" in link.inner_text()
    assert AssessmentEvidence.objects.filter(assessment=_assessment()).count() == 1

    # Chongqing, the paired party, queries the orders figure.
    cq = visitors("cq_coord", viewport=DESKTOP)
    cq.login("cq_coord", DEMO_PASSWORD)
    _open_park(cq)
    qpage = cq.page
    actions = qpage.get_by_test_id("park-actions")
    assert actions.get_by_test_id("form-agree").is_visible()
    qpage.locator("details#query > summary").click()
    query = qpage.get_by_test_id("form-query")
    # Without a comment first: refused in Chinese, the choice kept.
    query.locator("#id_query-indicator").select_option("orders")
    with qpage.expect_navigation():
        query.get_by_test_id("query-submit").click()
    assert (
        "请写明该数据存在的问题。" in qpage.get_by_test_id("error-summary").inner_text()
    )
    query = qpage.get_by_test_id("form-query")
    assert query.locator("#id_query-indicator").input_value() == "orders"
    cq.shot("query-refused")
    query.locator("#id_query-comment").fill(QUERY)
    with qpage.expect_navigation():
        query.get_by_test_id("query-submit").click()
    assert "质询已发送" in qpage.locator("ul.messages").inner_text()
    assert _assessment().state == AssessmentState.QUERIED
    _both_widths(cq, "park-queried")

    # Sichuan sees the query beside the figure, corrects it and submits again.
    page.reload()
    orders = page.locator('[data-testid="value-set"][data-code="orders"]')
    assert QUERY in orders.inner_text()
    orders.locator("#id_submit-value_orders").fill("90")
    _both_widths(sc, "park-correcting")
    with page.expect_navigation():
        page.get_by_test_id("submit-submit").click()
    assert "数据已报送" in page.locator("ul.messages").inner_text()
    assert "90亿元" in (
        page.get_by_test_id("values-table").locator('[data-code="orders"]').inner_text()
    )

    # Chongqing agrees.
    qpage.reload()
    with qpage.expect_navigation():
        qpage.get_by_test_id("agree-submit").click()
    assert _assessment().state == AssessmentState.AGREED
    _score_the_others(cycle)

    # The joint office scores the park, then publishes the cycle.
    office = visitors("admin", viewport=DESKTOP)
    office.login("admin", DEMO_PASSWORD)
    _open_park(office)
    opage = office.page
    with opage.expect_navigation():
        opage.get_by_test_id("score-submit").click()
    assert "已按本次绩效评价规则评分" in opage.locator("ul.messages").inner_text()
    assert _assessment().state == AssessmentState.SCORED
    assert opage.get_by_test_id("assessment-score").inner_text().strip()
    _both_widths(office, "park-scored")
    opage.get_by_test_id("nav-parks").click()
    opage.wait_for_url("**/parks/")
    _both_widths(office, "dashboard-to-publish")
    with opage.expect_navigation():
        opage.get_by_test_id("publish-submit").click()
    assert "本次绩效评价结果已公布" in opage.locator("ul.messages").inner_text()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.PUBLISHED
    published = _assessment()
    assert published.state == AssessmentState.PUBLISHED and published.rank

    # Leadership reads the result on the dashboard and on the park's page.
    leader = visitors("sc_leader", viewport=DESKTOP)
    leader.login("sc_leader", DEMO_PASSWORD)
    lpage = leader.page
    lpage.get_by_test_id("nav-parks").click()
    lpage.wait_for_url("**/parks/")
    row = _row(lpage)
    score = f"{published.score:f}".rstrip("0").rstrip(".")
    assert score in row.get_by_test_id("park-score").inner_text()
    assert row.get_by_test_id("park-outcome").locator(".tag").count() == 1
    assert lpage.get_by_test_id("total-parks").inner_text() == "20"
    _both_widths(leader, "dashboard-published")
    with lpage.expect_navigation():
        row.locator("th a").click()
    assert score in lpage.get_by_test_id("assessment-score").inner_text()
    assert (
        str(published.rank) in lpage.get_by_test_id("assessment-outcome").inner_text()
    )
    results = lpage.get_by_test_id("park-results")
    assert (
        results.get_by_test_id("result-row").count() == EvaluationCycle.objects.count()
    )
    _both_widths(leader, "park-published")
    lpage.get_by_test_id("pair-compare-link").first.click()
    lpage.wait_for_url("**/parks/pairs/**")
    assert lpage.get_by_test_id("compare-park").count() == 2
    assert PAIRED in lpage.get_by_test_id("pair-title").inner_text()
    _both_widths(leader, "pair")
