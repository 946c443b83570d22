"""The demo task list's monthly report (October, made on DEMO_DAY), built once
for each module that asks for it and rolled back at the module's end."""

import pytest
from django.test import override_settings

from reports import services
from reports.models import Report
from tests.reports.demo import DEMO_DAY
from tests.worlds import rolled_back
from tracker.demo import load_demo
from tracker.models import Initiative


@pytest.fixture(scope="module")
def monthly(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with media, rolled_back(django_db_blocker):
        load_demo(today=DEMO_DAY)
        report, _ = services.report_request(
            initiative=Initiative.objects.get(), kind="monthly", today=DEMO_DAY
        )
        services.report_generate(report_id=report.pk)
        yield Report.objects.get(pk=report.pk)


@pytest.fixture
def report(monthly, db):
    return monthly
