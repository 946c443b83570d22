"""Circle-wide indicators (全域指标) and lower bounds: who records them, how
the API, the pages and the reports print them, and their audit history."""

import datetime as dt
import json
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from accounts.services import membership_grant
from audit.models import InitiativeIndicatorEvent, InitiativeIndicatorReadingEvent
from config.exceptions import PermissionDenied
from reports import services as report_services
from reports.render import render
from reports.snapshot import take_snapshot
from tests.factories import PartyFactory, UserFactory, make_initiative
from tracker import services
from tracker.choices import Qualifier
from tracker.figures import figure_text
from tracker.models import InitiativeIndicatorReading

URL = "/api/v1/initiative-indicators/"
OLD_SNAPSHOT = Path(__file__).parents[1] / "reports" / "data" / "snapshot_week.json"


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _post(user, indicator, **data):
    return _client(user).post(
        f"{URL}{indicator.pk}/readings/",
        data,
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


@pytest.fixture
def enterprises(initiative):
    return services.initiative_indicator_create(
        initiative=initiative, name="2023年以来新增高新技术企业", unit="家"
    )


@pytest.fixture
def scale(initiative):
    return services.initiative_indicator_create(
        initiative=initiative, name="生物医药产业集群总规模", unit="亿元", sort_order=2
    )


# --- printing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "value", "unit", "qualifier", "printed"),
    [
        ("zh-hans", Decimal("200.0000"), "辆", Qualifier.ODD, "200余辆"),
        ("zh-hans", Decimal("1000"), "家", Qualifier.MORE_THAN, "超过1000家"),
        ("zh-hans", Decimal("10"), "%", Qualifier.MORE_THAN, "超过10%"),
        ("zh-hans", Decimal("360"), "Gbps", Qualifier.EXACT, "360 Gbps"),
        ("zh-hans", Decimal("0.8"), "百分点", None, "0.8百分点"),
        ("en", Decimal("10"), "%", Qualifier.MORE_THAN, "more than 10%"),
        ("en", Decimal("200"), "辆", Qualifier.ODD, "200-odd 辆"),
        ("en", None, "辆", Qualifier.ODD, "—"),
    ],
)
def test_figures_print_as_the_source_writes_them(
    language, value, unit, qualifier, printed
):
    with translation.override(language):
        assert figure_text(value, unit, qualifier) == printed


# --- who records them ------------------------------------------------------------


@pytest.mark.django_db
def test_the_joint_office_records_a_lower_bound(office, scale):
    response = _post(
        office,
        scale,
        period="2024-12-31",
        value="6500",
        qualifier="more_than",
        note="集群总规模超6500亿元。",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_lower_bound"] is True
    assert body["value_display"] == "超过6500亿元"
    assert body["reported_by"]["username"] == "office"
    reading = InitiativeIndicatorReading.objects.get(pk=body["id"])
    assert (reading.value, reading.qualifier) == (Decimal(6500), "more_than")


@pytest.mark.django_db
def test_a_province_coordinator_or_leader_may_not_record_circle_figures(
    sc_coord, sc_leader, scale
):
    for user in (sc_coord, sc_leader):
        response = _post(user, scale, period="2024-12-31", value="6500")
        assert response.status_code == 403, user
        assert response["Content-Type"].startswith("application/problem+json")
    assert not InitiativeIndicatorReading.objects.exists()
    with pytest.raises(PermissionDenied):
        services.initiative_indicator_reading_record(
            indicator=scale, actor=sc_coord, period=dt.date(2024, 12, 31), value=1
        )


@pytest.mark.django_db
def test_an_office_of_another_initiative_neither_sees_nor_records(scale):
    shaanxi = PartyFactory(code="sx", name="陕西省", short_name="陕")
    make_initiative([shaanxi])
    outsider = UserFactory(username="sx_office")
    membership_grant(user=outsider, party=shaanxi, role="administrator")
    assert _client(outsider).get(URL).json()["count"] == 0
    response = _post(outsider, scale, period="2024-12-31", value="1")
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.initiative_indicator_reading_record(
            indicator=scale, actor=outsider, period=dt.date(2024, 12, 31), value=1
        )


@pytest.mark.django_db
def test_one_reading_per_period_and_no_reading_far_ahead(office, scale):
    services.initiative_indicator_reading_record(
        indicator=scale, actor=office, period=dt.date(2024, 12, 31), value=6500
    )
    again = _post(office, scale, period="2024-12-31", value="6600")
    assert again.status_code == 400
    ahead = _post(office, scale, period="2099-12-31", value="1")
    assert ahead.status_code == 400
    assert InitiativeIndicatorReading.objects.count() == 1


# --- reading them ----------------------------------------------------------------


def _record_many(office, indicators, periods):
    for indicator in indicators:
        for n, period in enumerate(periods):
            services.initiative_indicator_reading_record(
                indicator=indicator,
                actor=office,
                period=period,
                value=Decimal(100 + n),
                qualifier=Qualifier.MORE_THAN if n % 2 else Qualifier.EXACT,
            )


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_more_rows(
    office, sc_leader, initiative, enterprises, scale
):
    _record_many(office, [enterprises], [dt.date(2024, 6, 30)])
    client = _client(sc_leader)
    client.get(URL)  # the caller's memberships, read once per user
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    more = [
        services.initiative_indicator_create(
            initiative=initiative, name=f"指标{n}", unit="家", sort_order=10 + n
        )
        for n in range(5)
    ]
    _record_many(
        office,
        [scale, *more],
        [dt.date(2023, 12, 31), dt.date(2024, 6, 30), dt.date(2024, 12, 31)],
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.json()["count"] == 7
    assert len(many.captured_queries) == len(few.captured_queries)
    first = response.json()["results"][1]
    assert first["name"] == "生物医药产业集群总规模"
    assert [r["period"] for r in first["readings"]] == [
        "2024-12-31",
        "2024-06-30",
        "2023-12-31",
    ]
    assert first["latest_qualifier"] == "exact"
    assert first["readings"][1]["is_lower_bound"] is True


@pytest.mark.django_db
def test_the_overview_shows_the_circle_figures(client, office, sc_leader, scale):
    services.initiative_indicator_reading_record(
        indicator=scale,
        actor=office,
        period=dt.date(2024, 12, 31),
        value=Decimal(6500),
        qualifier=Qualifier.MORE_THAN,
        note="集群总规模超6500亿元。",
    )
    client.force_login(sc_leader)
    body = client.get(reverse("tracker:overview"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = body.content.decode()
    assert 'data-testid="circle-indicators"' in html
    assert "全域指标" in html
    assert "超过6500亿元" in html and "集群总规模超6500亿元。" in html


@pytest.mark.django_db
def test_a_task_reading_keeps_its_lower_bound_in_the_api(task, sc_coord, sichuan):
    indicator = services.indicator_create(
        task=task, name="铝合金车体交付量", unit="辆", party=sichuan
    )
    services.indicator_reading_record(
        indicator=indicator,
        actor=sc_coord,
        period=dt.date(2024, 12, 31),
        value=Decimal(200),
        qualifier=Qualifier.ODD,
    )
    client = _client(sc_coord)
    reading = client.get("/api/v1/readings/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()[
        "results"
    ][0]
    assert reading["qualifier"] == "odd" and reading["is_lower_bound"] is True
    assert reading["value_display"] == "200余辆"
    detail = client.get(
        f"/api/v1/indicators/{indicator.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()
    assert (detail["latest_qualifier"], detail["latest_display"]) == ("odd", "200余辆")


# --- history ---------------------------------------------------------------------


@pytest.mark.django_db
def test_circle_figures_have_an_audit_history(office, scale):
    reading = services.initiative_indicator_reading_record(
        indicator=scale, actor=office, period=dt.date(2024, 12, 31), value=6500
    )
    InitiativeIndicatorReading.objects.filter(pk=reading.pk).update(value=6600)
    events = InitiativeIndicatorReadingEvent.objects.filter(pgh_obj_id=reading.pk)
    assert list(events.order_by("pgh_id").values_list("pgh_label", "value")) == [
        ("insert", Decimal(6500)),
        ("update", Decimal(6600)),
    ]
    assert InitiativeIndicatorEvent.objects.filter(
        pgh_obj_id=scale.pk, pgh_label="insert"
    ).exists()


# --- reports ---------------------------------------------------------------------


@pytest.mark.django_db
def test_reports_carry_and_print_the_circle_figures(
    initiative, office, scale, enterprises, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    services.initiative_indicator_reading_record(
        indicator=scale,
        actor=office,
        period=dt.date(2024, 12, 31),
        value=Decimal(6500),
        qualifier=Qualifier.MORE_THAN,
        source="2024回眸",
        reported_at=dt.datetime(2025, 1, 10, 2, tzinfo=dt.UTC),
    )
    report, _created = report_services.report_request(
        initiative=initiative, kind="weekly", today=dt.date(2026, 11, 25)
    )
    snapshot = take_snapshot(report)
    circle = {row["name"]: row for row in snapshot["initiative_indicators"]}
    assert circle["生物医药产业集群总规模"]["actual"] == "6500"
    assert circle["生物医药产业集群总规模"]["actual_qualifier"] == "more_than"
    assert circle["2023年以来新增高新技术企业"]["actual"] is None
    # Frozen as JSON, read back as the report library does.
    frozen = json.loads(json.dumps(snapshot))
    html = render("html", frozen, language="zh-hans").decode()
    assert 'id="report-circle-indicators"' in html
    assert "超过6,500" in html and "来源：2024回眸" in html
    english = render("html", frozen, language="en").decode()
    assert "Circle-wide indicators" in english and "more than 6,500" in english


def test_a_snapshot_frozen_before_circle_figures_renders_as_before():
    old = json.loads(OLD_SNAPSHOT.read_text(encoding="utf-8"))
    assert "initiative_indicators" not in old
    html = render("html", old, language="zh-hans").decode()
    assert "report-circle-indicators" not in html
    assert 'id="report-indicators"' in html
    sheets = render("xlsx", old, language="en")
    assert b"Circle-wide" not in sheets
