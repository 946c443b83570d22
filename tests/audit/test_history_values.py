"""History entries show values as a person writes them: 13 and 12.5, not
13.0000 and 12.5000; ids of related rows by their names."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from audit.history import display_value, plain_number
from tracker import services
from tracker.models import Indicator


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("13.0000"), "13"),
        (Decimal("12.5000"), "12.5"),
        (Decimal("0.0500"), "0.05"),
        (Decimal("1000"), "1000"),
        (Decimal("-0.0000"), "0"),
    ],
)
def test_decimals_lose_their_trailing_zeros(value, text):
    assert plain_number(value) == text


def test_a_decimal_from_the_sql_diff_reads_plainly():
    field = Indicator._meta.get_field("target")
    assert display_value(field, "13.0000", None) == "13"
    assert display_value(field, 360.0, None) == "360"


def test_an_indicators_history_page_shows_plain_numbers(
    task, sichuan, sc_coord, superuser
):
    services.task_start(task=task, actor=sc_coord)
    indicator = services.indicator_create(
        task=task, name="对接活动场次", unit="场", target=Decimal("10"), party=sichuan
    )
    services.indicator_reading_record(
        indicator=indicator,
        actor=sc_coord,
        period=dt.date(2024, 12, 31),
        value=Decimal("12.5"),
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(superuser)
    url = reverse(
        "admin:audit_auditlog_history",
        args=["tracker", "indicator", indicator.pk],
    )
    html = client.get(url).content.decode()
    assert "对接活动场次" in html
    assert "10.0000" not in html
    assert "'#" not in html and "&#x27;#" not in html
