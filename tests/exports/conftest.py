import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from accounts.models import Agency
from tests.factories import PartyFactory, make_initiative, make_task
from tracker import services
from tracker.choices import TaskList, TaskStatus

BOM = "\ufeff".encode()


def owner(party, contact="联络人"):
    return services.OwnerSpec(
        party=party,
        agency=Agency.objects.get(party=party, is_lead=True),
        contact_name=contact,
    )


def workbook(response):
    assert response.status_code == 200, response.content[:500]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def codes(sheet) -> list[str]:
    return [row[0] for row in sheet_rows(sheet)[1:]]


def csv_rows(response) -> list[list[str]]:
    import csv

    assert response.status_code == 200, response.content[:500]
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def world(initiative, sichuan, chongqing):
    """Tasks of the initiative (one overdue with a late milestone and an
    indicator, one on track, one Chongqing's alone in another work stream) and
    a task of another initiative Sichuan's people may not see."""
    today = timezone.localdate()
    late = make_task(
        initiative,
        code="NY-01",
        title="川渝特高压交流工程",
        due_date=today - dt.timedelta(days=5),
        status=TaskStatus.IN_PROGRESS,
        progress=40,
        task_list=TaskList.CO_BUILD,
    )
    services.milestone_create(
        task=late,
        title="线路工程全线架线贯通",
        due_date=today - dt.timedelta(days=9),
        party=sichuan,
    )
    services.indicator_create(task=late, name="输电能力", unit="万千瓦", target=800)
    fine = make_task(
        initiative,
        code="NY-02",
        title="天然气千亿方产能基地",
        due_date=today + dt.timedelta(days=200),
        progress=10,
    )
    digital = services.work_stream_create(
        initiative=initiative, code="sz", name="关键数字基础设施", sort_order=5
    )
    cq_only = services.task_create(
        initiative=initiative,
        code="SZ-01",
        title="国际互联网数据专用通道",
        work_stream=digital,
        due_date=today + dt.timedelta(days=100),
        owners=[owner(chongqing)],
        progress=70,
        task_list=TaskList.JOINT_APPLICATION,
    )
    shaanxi, gansu = PartyFactory(name="陕西省"), PartyFactory(name="甘肃省")
    other = make_initiative([shaanxi, gansu])
    hidden = make_task(other, code="XB-01", title="西北事项")
    return {
        "late": late,
        "fine": fine,
        "cq_only": cq_only,
        "digital": digital,
        "hidden": hidden,
    }
