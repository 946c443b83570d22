"""Each step of a completion claim, and a report ready, tells the right people
in the transaction of the act: never the actor, nobody when the act fails."""

import pytest
from django.db import transaction

from notifications.choices import Event
from notifications.models import Notification
from reports import services as report_services
from reports.models import ReportSubscription
from tests.clock import days
from tracker import services

from .conftest import claim

pytestmark = pytest.mark.django_db


def _told(event):
    return {
        (n.recipient.username, n.title)
        for n in Notification.objects.filter(event=event).select_related("recipient")
    }


def test_a_claim_tells_the_other_partys_coordinators(joint, people):
    claim(joint, people["cq"], explanation="重庆段已全部完工。")
    assert _told(Event.CLAIM_FILED) == {
        ("sc_coord", "重庆市申请销号：川渝1000千伏特高压交流工程"),
        ("sc_coord2", "重庆市申请销号：川渝1000千伏特高压交流工程"),
    }
    note = Notification.objects.get(event=Event.CLAIM_FILED, recipient=people["sc"])
    assert (note.body, note.task, note.actor) == (
        "重庆段已全部完工。",
        joint,
        people["cq"],
    )
    assert note.link == f"/tasks/{joint.pk}/"
    assert note.read_at is None and note.in_app


def test_the_claimant_and_its_own_party_hear_nothing_of_their_claim(joint, people):
    claim(joint, people["sc"])
    told = {n.recipient.username for n in Notification.objects.all()}
    assert told == {"cq_coord"}  # not sc_coord (the actor), nor sc_coord2


def test_a_confirmation_tells_the_claiming_partys_coordinators(joint, people):
    claim(joint, people["sc"])
    services.task_confirm_completion(task=joint, actor=people["cq"], reason="核实无误")
    assert _told(Event.CLAIM_CONFIRMED) == {
        ("sc_coord", "重庆市确认销号：川渝1000千伏特高压交流工程"),
        ("sc_coord2", "重庆市确认销号：川渝1000千伏特高压交流工程"),
    }
    note = Notification.objects.filter(event=Event.CLAIM_CONFIRMED).first()
    assert note.body == "核实无误\n对方省市均已确认，事项已销号。"


def test_a_rejection_tells_the_claimant_with_the_reason(joint, people):
    claim(joint, people["sc"])
    services.task_reject_completion(
        task=joint, actor=people["cq"], reason="重庆段验收报告尚未提交"
    )
    assert _told(Event.CLAIM_REJECTED) == {
        ("sc_coord", "重庆市退回销号申请：川渝1000千伏特高压交流工程"),
        ("sc_coord2", "重庆市退回销号申请：川渝1000千伏特高压交流工程"),
    }
    note = Notification.objects.filter(event=Event.CLAIM_REJECTED).first()
    assert note.body == "退回理由：重庆段验收报告尚未提交"
    assert note.actor == people["cq"]


def test_the_text_is_chinese_whatever_the_actors_language(joint, people):
    from django.utils import translation

    with translation.override("en"):
        claim(joint, people["cq"])
    assert Notification.objects.first().title.startswith("重庆市申请销号：")


def test_an_act_that_fails_tells_nobody(joint, people):
    with pytest.raises(RuntimeError), transaction.atomic():
        claim(joint, people["cq"])
        assert Notification.objects.count() == 2
        raise RuntimeError("the request failed after the claim")
    assert Notification.objects.count() == 0


def test_an_inactive_coordinator_is_not_told(joint, people):
    from accounts.models import User

    User.objects.filter(pk=people["sc2"].pk).update(is_active=False)
    claim(joint, people["cq"])
    assert {n.recipient.username for n in Notification.objects.all()} == {"sc_coord"}


def test_a_report_ready_tells_its_subscribers_and_requester(
    initiative, joint, people, today
):
    ReportSubscription.objects.create(
        user=people["cq"], initiative=initiative, kind="on_demand"
    )
    # Subscribed, without an address: still told in the centre.
    people["sc2"].email = ""
    people["sc2"].save()
    ReportSubscription.objects.create(
        user=people["sc2"], initiative=initiative, kind="on_demand"
    )
    ReportSubscription.objects.create(
        user=people["sc"], initiative=initiative, kind="weekly"
    )
    report, _ = report_services.report_request(
        initiative=initiative,
        kind="on_demand",
        period_start=days(-30),
        period_end=days(-1),
        requested_by=people["leader"],
    )
    assert not Notification.objects.exists()  # queued, not ready
    report = report_services.report_generate(report_id=report.pk)
    told = Notification.objects.filter(event=Event.REPORT_READY)
    assert {n.recipient.username for n in told} == {
        "cq_coord",
        "sc_coord2",
        "sc_leader",
    }
    note = told.first()
    assert note.title.startswith("进展报告已生成：")
    assert note.link == f"/reports/{report.pk}/"
    # The report's own mail goes as before; "report ready" is not mailed too.
    assert {n.email_mode for n in told} == {""}
