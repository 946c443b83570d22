"""Through a real Celery worker process: a claim committed in the web's
process is mailed by the worker, over SMTP, to a mail server on 127.0.0.1."""

import time

import pytest
from django.test import override_settings

from notifications.models import Notification
from tests.celery_worker import Worker, new_queue
from tests.factories import make_task
from tracker import services

from .conftest import _person
from .smtp import MailServer


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_mails_the_claim_once(sichuan, chongqing, initiative):
    sc = _person("sc_coord", sichuan, "coordinator")
    cq = _person("cq_coord", chongqing, "coordinator")
    task = make_task(initiative, code="NY-01", title="川渝1000千伏特高压交流工程")
    services.task_start(task=task, actor=sc)
    with MailServer() as server:
        worker = Worker(
            new_queue(),
            DJANGO_SETTINGS_MODULE="tests.notifications.worker_settings",
            TESTS_SMTP_URL=server.url,
        ).start()
        try:
            with override_settings(REPORTS_QUEUE=worker.queue):
                services.task_claim_completion(
                    task=task, actor=cq, explanation="重庆段已全部完工。"
                )  # commits: its mail is queued for the worker
            deadline = time.monotonic() + 90
            while not server.messages and time.monotonic() < deadline:
                assert worker.alive, worker.output
                time.sleep(0.2)
            time.sleep(1)  # anything more would have come by now
        finally:
            worker.stop()
        assert len(server.messages) == 1, worker.output
        [message] = server.messages
        assert message["To"] == "sc_coord@example.gov.cn"
        # (Folded over lines as encoded words; a reader shows it without the fold.)
        assert (
            message["Subject"].strip()
            == "【督办】重庆市申请销号：川渝1000千伏特高压交流工程"
        )
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "重庆段已全部完工。" in plain and "重庆段已全部完工。" in html
        note = Notification.objects.get(recipient=sc)
        assert note.emailed_at is not None and note.email_queued_at is not None
        assert f"/notifications/{note.pk}/" in plain
