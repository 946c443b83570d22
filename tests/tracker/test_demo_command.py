"""`manage.py load_demo` on an empty database, apart from test_demo.py, whose
tests share one loaded demo."""

import io

from django.core.management import call_command

from tests.clock import TODAY
from tracker.demo import data


def test_command_prints_what_it_created_then_nothing(db):
    out = io.StringIO()
    call_command("load_demo", "--today", TODAY.isoformat(), stdout=out)
    assert f"合作事项{len(data.TASKS)}项" in out.getvalue()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "演示数据已存在，未做任何修改" in out.getvalue()
