"""The park evaluation pages: the cycle's dashboard, a park's page and a
pair's comparison open for every role of the initiative; each user is offered
the forms of the steps they may take now and no other; the forms' errors come
back in Chinese beside the fields with the input kept; the pages' query counts
do not grow with the number of parks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks import services
from parks.choices import AssessmentState
from parks.models import ParkAssessment
from tests.factories import AgencyFactory, PartyFactory, UserFactory
from tests.tracker.pages import body, signed_in
from tracker.models import Participation
from tracker.services.structure import industrial_park_create, park_pair_create

from .conftest import PDF, evidence, submit

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _urls(world) -> dict[str, str]:
    a = world["a"]["甲"]
    return {
        "dashboard": "/parks/",
        "cycle": f"/parks/cycles/{world['cycle'].pk}/",
        "park": f"/parks/{a.park_id}/",
        "pair": f"/parks/pairs/{world['pairs'][0].pk}/?cycle={world['cycle'].pk}",
    }


def _forms(html: str) -> set[str]:
    return set(re.findall(r'data-testid="form-(\w+)"', html))


def _version(html: str, name: str) -> str:
    return re.search(rf'name="{name}-version" value="(\d+)"', html).group(1)


def _scored(world):
    office = world["office"]
    for key, user in (("甲", world["sc"]), ("乙", world["cq"])):
        submit(world, key, user)
    for key, user in (("甲", world["cq"]), ("乙", world["sc"])):
        services.assessment_agree(user=user, assessment=world["a"][key])
    for key in ("甲", "乙"):
        services.assessment_score(user=office, assessment=world["a"][key])


# --- who opens what ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["sc", "cq", "office", "leader", "auditor"])
def test_every_page_opens_for_every_role_in_chinese(
    parks_world, role, sc_leader, cq_auditor
):
    user = {"leader": sc_leader, "auditor": cq_auditor}.get(role) or parks_world[role]
    client = signed_in(user)
    for name, url in _urls(parks_world).items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = body(response)
        assert "园区绩效评价" in html, name
        assert 'data-testid="nav-parks"' in html
    dashboard = body(client.get("/parks/"))
    assert dashboard.count('data-testid="park-row"') == 4
    assert "甲园区" in dashboard and "乙园区" in dashboard
    assert 'data-testid="total-parks">4<' in dashboard


def test_the_pages_ask_for_a_login_and_hide_from_strangers(client, parks_world):
    for url in _urls(parks_world).values():
        response = client.get(url)
        assert (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        )
    stranger = signed_in(UserFactory(username="stranger"))
    for name, url in _urls(parks_world).items():
        if name == "dashboard":
            assert "尚未开展绩效评价" in body(stranger.get(url))
        else:
            assert stranger.get(url).status_code == 404, name


def test_english_when_asked(parks_world):
    client = signed_in(parks_world["sc"])
    html = body(client.get(_urls(parks_world)["park"], **EN))
    assert "Park performance evaluation" in html
    assert "Report the park's values" in html


# --- the forms of what the user may do now -------------------------------------------


def test_a_draft_is_the_own_partys_to_submit(parks_world, sc_leader):
    url = _urls(parks_world)["park"]
    assert _forms(body(signed_in(parks_world["sc"]).get(url))) == {"submit"}
    for user in (parks_world["cq"], parks_world["office"], sc_leader):
        html = body(signed_in(user).get(url))
        assert _forms(html) == set()
        assert 'data-testid="park-actions"' not in html


def test_submitted_values_are_the_paired_partys_to_review(parks_world):
    submit(parks_world, "甲", parks_world["sc"])
    url = _urls(parks_world)["park"]
    html = body(signed_in(parks_world["cq"]).get(url))
    assert _forms(html) == {"query", "agree"}
    # The values as the source states them: a lower bound is "超…".
    assert "超60家" in html and "80亿元" in html
    assert 'data-testid="evidence-link"' in html
    assert _forms(body(signed_in(parks_world["sc"]).get(url))) == set()
    assert _forms(body(signed_in(parks_world["office"]).get(url))) == set()


def test_the_office_scores_adjusts_and_publishes(parks_world, sc_leader):
    _scored(parks_world)
    urls = _urls(parks_world)
    office = signed_in(parks_world["office"])
    # Scoring again (after a rule is corrected) or adjusting with a reason.
    assert _forms(body(office.get(urls["park"]))) == {"score", "adjust"}
    assert "publish" in _forms(body(office.get(urls["dashboard"])))
    for user in (parks_world["sc"], parks_world["cq"], sc_leader):
        assert "publish" not in _forms(body(signed_in(user).get(urls["dashboard"])))
    # Before publication nobody but the office reads the scores.
    leader = body(signed_in(sc_leader).get(urls["park"]))
    assert 'data-testid="assessment-score"' not in leader
    assert 'data-testid="assessment-score"' in body(office.get(urls["park"]))


def test_the_submit_form_posts_values_and_evidence(parks_world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world = parks_world
    assessment = world["a"]["甲"]
    client = signed_in(world["sc"])
    html = body(client.get(_urls(world)["park"]))
    assert 'enctype="multipart/form-data"' in html
    response = client.post(
        f"/parks/assessments/{assessment.pk}/submit/",
        {
            "submit-version": _version(html, "submit"),
            "submit-value_orders": "95.5",
            "submit-value_firms": "1000",
            "submit-lower_firms": "on",
            "submit-note_firms": "共建企业超千家",
            "submit-evidence_files": [evidence()],
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    page = body(client.get(response["Location"]))
    assert "数据已报送，等待结对方审核。" in page
    assert "超1000家" in page and "95.5亿元" in page
    link = re.search(r'href="(/parks/evidence/\d+/)"', page).group(1)
    download = signed_in(world["cq"]).get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


# --- errors in Chinese, nothing lost ---------------------------------------------------


def test_a_refused_submission_keeps_the_input_and_says_why_in_chinese(parks_world):
    world = parks_world
    assessment = world["a"]["甲"]
    client = signed_in(world["sc"])
    html = body(client.get(_urls(world)["park"]))
    response = client.post(
        f"/parks/assessments/{assessment.pk}/submit/",
        {
            "submit-version": _version(html, "submit"),
            "submit-value_orders": "不是数字",
            "submit-value_firms": "",
            "submit-note_firms": "待统计局核实",
        },
    )
    assert response.status_code == 400
    page = body(response)
    assert "请填写该指标的数值。" in page
    assert "请输入数字。" in page
    assert 'value="不是数字"' in page and 'value="待统计局核实"' in page
    assert 'data-testid="error-summary"' in page
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.DRAFT


def test_the_service_refuses_a_submission_without_evidence(parks_world):
    world = parks_world
    assessment = world["a"]["甲"]
    client = signed_in(world["sc"])
    html = body(client.get(_urls(world)["park"]))
    response = client.post(
        f"/parks/assessments/{assessment.pk}/submit/",
        {
            "submit-version": _version(html, "submit"),
            "submit-value_orders": "80",
            "submit-value_firms": "60",
        },
    )
    assert response.status_code == 400
    page = body(response)
    assert 'value="80"' in page and 'value="60"' in page
    assert ParkAssessment.objects.get(pk=assessment.pk).state == AssessmentState.DRAFT


def test_a_query_without_a_comment_is_refused_then_sent(parks_world):
    world = parks_world
    submit(world, "甲", world["sc"])
    assessment = world["a"]["甲"]
    client = signed_in(world["cq"])
    html = body(client.get(_urls(world)["park"]))
    url = f"/parks/assessments/{assessment.pk}/query/"
    refused = client.post(
        url, {"query-version": _version(html, "query"), "query-indicator": "firms"}
    )
    assert refused.status_code == 400
    assert "请写明该数据存在的问题。" in body(refused)
    assert 'value="firms" selected' in body(refused)
    done = client.post(
        url,
        {
            "query-version": _version(html, "query"),
            "query-indicator": "firms",
            "query-comment": "共建企业名单与统计口径不一致，请核实。",
        },
    )
    assert done.status_code == 302
    page = body(signed_in(world["sc"]).get(done["Location"]))
    assert 'data-testid="queried-mark"' in page
    assert "共建企业名单与统计口径不一致" in page
    assert _forms(page) == {"submit"}


def test_a_stale_form_is_shown_again_over_the_current_version(parks_world):
    world = parks_world
    submit(world, "甲", world["sc"])
    assessment = world["a"]["甲"]
    client = signed_in(world["cq"])
    html = body(client.get(_urls(world)["park"]))
    old = _version(html, "agree")
    services.assessment_query(
        user=world["cq"],
        assessment=assessment,
        indicator_code="orders",
        comment="订单金额口径请说明。",
    )
    response = client.post(
        f"/parks/assessments/{assessment.pk}/agree/", {"agree-version": old}
    )
    assert response.status_code == 409
    assert "他人已办理本园区的评价" in body(response)
    assert ParkAssessment.objects.get(pk=assessment.pk).state == "queried"


def test_one_who_may_not_act_gets_the_403_page(parks_world):
    world = parks_world
    submit(world, "甲", world["sc"])
    assessment = world["a"]["甲"]
    response = signed_in(world["sc"]).post(
        f"/parks/assessments/{assessment.pk}/agree/",
        {"agree-version": ParkAssessment.objects.get(pk=assessment.pk).version},
    )
    assert response.status_code == 403
    assert "未作任何更改" in body(response)


def test_adjusting_without_a_reason_is_refused_in_chinese(parks_world):
    _scored(parks_world)
    assessment = parks_world["a"]["甲"]
    client = signed_in(parks_world["office"])
    html = body(client.get(_urls(parks_world)["park"]))
    response = client.post(
        f"/parks/assessments/{assessment.pk}/adjust/",
        {"adjust-version": _version(html, "adjust"), "adjust-score": "88"},
    )
    assert response.status_code == 400
    assert "请写明调整得分的理由。" in body(response)
    assert 'value="88"' in body(response)


def test_publishing_too_early_is_refused_and_then_done(parks_world, sc_leader):
    world = parks_world
    _scored(world)
    client = signed_in(world["office"])
    html = body(client.get("/parks/"))
    url = f"/parks/cycles/{world['cycle'].pk}/publish/"
    refused = client.post(url, {"publish-version": _version(html, "publish")})
    assert refused.status_code == 409
    assert 'data-testid="error-summary"' in body(refused)
    for key, coord, reviewer in (("丙", "sc", "cq"), ("丁", "cq", "sc")):
        submit(world, key, world[coord])
        services.assessment_agree(user=world[reviewer], assessment=world["a"][key])
        services.assessment_score(user=world["office"], assessment=world["a"][key])
    done = client.post(url, {"publish-version": _version(html, "publish")})
    assert done.status_code == 302
    dashboard = body(signed_in(sc_leader).get("/parks/"))
    assert dashboard.count('data-testid="park-outcome"><span class="tag') == 4
    assert "publish" not in _forms(body(client.get("/parks/")))


# --- the dashboard's filters and the pair's columns -------------------------------------


def test_the_dashboard_filters_by_party_and_step(parks_world, sichuan):
    submit(parks_world, "甲", parks_world["sc"])
    client = signed_in(parks_world["office"])
    html = body(client.get(f"/parks/?party={sichuan.pk}"))
    assert html.count('data-testid="park-row"') == 2
    html = body(client.get("/parks/?state=submitted"))
    assert html.count('data-testid="park-row"') == 1
    # The totals are the cycle's, whatever the filter.
    assert 'data-testid="total-submitted">1<' in html
    assert 'data-testid="total-parks">4<' in html
    assert (
        body(client.get("/parks/?party=x&state=nonsense")).count(
            'data-testid="park-row"'
        )
        == 4
    )


def test_a_pair_of_three_parks_has_three_columns(parks_world, initiative):
    """Another joint initiative may pair parks of three parties."""
    party = PartyFactory(name="贵州省", short_name="贵州")
    Participation.objects.create(
        initiative=initiative,
        party=party,
        lead_agency=AgencyFactory(party=party, is_lead=True),
        sort_order=3,
    )
    third = industrial_park_create(
        party=party, name="戊园区", city_county="戊县", batch=2022
    )
    pair = park_pair_create(
        initiative=initiative,
        parks=[parks_world["parks"]["甲"], parks_world["parks"]["乙"], third],
        batch=2022,
    )
    cycle = services.cycle_create(
        user=parks_world["office"],
        initiative=initiative,
        name="2025年绩效评价",
        batch=2022,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        submit_due=dt.date(2025, 9, 30),
        review_due=dt.date(2025, 10, 31),
        score_due=dt.date(2025, 11, 30),
        publish_due=dt.date(2025, 12, 12),
    )
    html = body(signed_in(parks_world["cq"]).get(f"/parks/pairs/{pair.pk}/"))
    assert cycle.name in html
    assert html.count('data-testid="compare-park"') == 3
    park = body(signed_in(parks_world["cq"]).get(f"/parks/{third.pk}/"))
    assert "甲园区" in park and "乙园区" in park


# --- query counts -------------------------------------------------------------------------


def _grow(world, initiative, sichuan, chongqing, n=6):
    """More parks and pairs in the cycle, with values."""
    cycle = world["cycle"]
    for i in range(n):
        a = industrial_park_create(
            party=sichuan, name=f"川{i}园区", city_county=f"川{i}县", batch=2021
        )
        b = industrial_park_create(
            party=chongqing, name=f"渝{i}园区", city_county=f"渝{i}县", batch=2021
        )
        pair = park_pair_create(initiative=initiative, parks=[a, b])
        for park in (a, b):
            ParkAssessment.objects.create(cycle=cycle, park=park, pair=pair)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_parks(
    parks_world, initiative, sichuan, chongqing
):
    world = parks_world
    submit(world, "甲", world["sc"])
    submit(world, "乙", world["cq"])
    services.assessment_query(
        user=world["cq"],
        assessment=world["a"]["甲"],
        indicator_code="orders",
        comment="请说明口径。",
    )
    client = signed_in(world["office"])
    urls = _urls(world)
    few = {name: _count(client, url) for name, url in urls.items()}
    _grow(world, initiative, sichuan, chongqing)
    submit(world, "甲", world["sc"], expected_version=None)
    many = {name: _count(client, url) for name, url in urls.items()}
    assert many == few
