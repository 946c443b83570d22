"""催办 by hand: who may send one and to whom it goes, who answers it and how
(a reply, or the party's next progress update, in its transaction), who is
told; the item page's 催办记录 with each party's answer and response time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from config.exceptions import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    TransitionNotAllowed,
)
from notifications.choices import Event
from notifications.models import Notification
from supervision.choices import UrgeKind
from supervision.models import Urge, UrgeTarget
from supervision.services.urges import urge_answer, urge_send
from tests.factories import make_task
from tests.tracker.pages import signed_in
from tracker import services
from tracker.models import Task

pytestmark = pytest.mark.django_db

MESSAGE = "请于6月19日前报送重庆段铁塔组立进展及整改措施。"


def _targets(urge) -> dict[str, UrgeTarget]:
    return {t.party.code: t for t in urge.targets.select_related("party")}


def _other_task(w) -> Task:
    return make_task(w.task.initiative, code="NY-02", title="页岩气基地")


def _page(user, task) -> str:
    response = signed_in(user).get(reverse("tracker:task_detail", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_office_urges_every_owner_party_that_still_owes(w):
    urge = urge_send(task=w.task, actor=w.office, message=MESSAGE)
    assert urge.kind == UrgeKind.URGE and urge.sent_by == w.office
    assert set(_targets(urge)) == {"sc", "cq"}
    told = Notification.objects.filter(event=Event.URGE)
    assert {n.recipient for n in told} == {w.sc_coord, w.cq_coord}
    for notification in told:
        assert notification.body == MESSAGE
        assert notification.title == "专班催办：NY-01 川渝1000千伏特高压交流工程"
        assert notification.link == (
            reverse("tracker:task_detail", args=[w.task.pk]) + "#urges"
        )
        assert notification.actor == w.office


def test_a_party_done_with_its_part_is_not_urged(w):
    """Sichuan has reported its part done: the delay is Chongqing's."""
    services.progress_update_post(
        task=w.task, actor=w.sc_coord, narrative="四川段全部完工", progress=100
    )
    urge = urge_send(task=w.task, actor=w.office, message=MESSAGE)
    assert set(_targets(urge)) == {"cq"}
    assert {n.recipient for n in Notification.objects.filter(event=Event.URGE)} == {
        w.cq_coord
    }


def test_a_claim_waiting_urges_the_counterpart_that_has_not_decided(w):
    for actor in (w.sc_coord, w.cq_coord):
        services.progress_update_post(
            task=w.task, actor=actor, narrative="已完工", progress=100
        )
    services.task_claim_completion(
        task=w.task, actor=w.sc_coord, explanation="四川段已全部完工，请重庆方确认"
    )
    urge = urge_send(task=w.task, actor=w.office, message="请尽快确认销号申请。")
    assert set(_targets(urge)) == {"cq"}


def test_everyone_done_and_nothing_claimed_urges_every_party(w):
    for actor in (w.sc_coord, w.cq_coord):
        services.progress_update_post(
            task=w.task, actor=actor, narrative="已完工", progress=100
        )
    urge = urge_send(task=w.task, actor=w.office, message="请申请销号。")
    assert set(_targets(urge)) == {"sc", "cq"}


def test_an_urge_on_a_party_milestone_goes_to_that_party(w):
    urge = urge_send(task=w.task, actor=w.office, message=MESSAGE, milestone=w.ms_cq)
    assert set(_targets(urge)) == {"cq"}
    [told] = Notification.objects.filter(event=Event.URGE)
    assert told.recipient == w.cq_coord
    assert "节点“重庆段铁塔组立”" in told.title


def test_what_an_urge_refuses(w, initiative):
    with pytest.raises(InvalidInput) as blank:
        urge_send(task=w.task, actor=w.office, message="   ")
    assert set(blank.value.field_errors) == {"message"}
    other = services.milestone_create(
        task=services.task_create(
            initiative=initiative,
            code="NY-99",
            title="另一事项",
            work_stream=w.task.work_stream,
            due_date=w.today + dt.timedelta(days=100),
            owners=[],
            task_list=w.task.task_list,
        ),
        title="别的节点",
        due_date=w.today,
    )
    with pytest.raises(InvalidInput) as foreign:
        urge_send(task=w.task, actor=w.office, message=MESSAGE, milestone=other)
    assert set(foreign.value.field_errors) == {"milestone"}
    services.task_suspend(task=w.task, actor=w.office, reason="等待国家批复")
    with pytest.raises(TransitionNotAllowed):
        urge_send(task=w.task, actor=w.office, message=MESSAGE)
    assert not Urge.objects.exists()
    assert not Notification.objects.filter(event=Event.URGE).exists()


@pytest.mark.parametrize("who", ["sc_coord", "cq_coord", "sc_leader", "cq_auditor"])
def test_only_the_office_urges_by_default(w, who):
    with pytest.raises(PermissionDenied):
        urge_send(task=w.task, actor=getattr(w, who), message=MESSAGE)
    assert not Urge.objects.exists()


def test_leadership_urges_where_the_task_force_allows_it(w, settings):
    settings.SUPERVISION_LEADERSHIP_MAY_URGE = True
    urge = urge_send(task=w.task, actor=w.sc_leader, message=MESSAGE)
    assert urge.sent_by == w.sc_leader
    titles = set(
        Notification.objects.filter(event=Event.URGE).values_list("title", flat=True)
    )
    assert titles == {"领导催办：NY-01 川渝1000千伏特高压交流工程"}
    # Still never a coordinator or an auditor.
    for user in (w.sc_coord, w.cq_auditor):
        with pytest.raises(PermissionDenied):
            urge_send(task=w.task, actor=user, message=MESSAGE)


def test_a_coordinator_answers_for_their_party_once(w):
    urge = urge_send(task=w.task, actor=w.office, message=MESSAGE)
    targets = _targets(urge)
    for stranger in (w.sc_coord, w.office, w.sc_leader, w.cq_auditor):
        with pytest.raises(PermissionDenied):
            urge_answer(target=targets["cq"], actor=stranger, reply="已处理")
    with pytest.raises(InvalidInput):
        urge_answer(target=targets["cq"], actor=w.cq_coord, reply=" ")
    answered = urge_answer(
        target=targets["cq"], actor=w.cq_coord, reply="已组织施工单位倒排工期。"
    )
    assert answered.answered_by == w.cq_coord and answered.answered_at is not None
    assert answered.reply == "已组织施工单位倒排工期。"
    with pytest.raises(Conflict):
        urge_answer(target=targets["cq"], actor=w.cq_coord, reply="再答一次")
    [told] = Notification.objects.filter(event=Event.URGE_REPLY)
    assert told.recipient == w.office
    assert told.title == "重庆市已答复催办：NY-01 川渝1000千伏特高压交流工程"
    assert told.body == "已组织施工单位倒排工期。"
    assert UrgeTarget.objects.get(pk=targets["sc"].pk).answered_at is None


def test_a_progress_update_answers_the_party_open_urges(w):
    first = urge_send(task=w.task, actor=w.office, message=MESSAGE)
    second = urge_send(task=w.task, actor=w.office, message="请补报节点佐证材料。")
    update = services.progress_update_post(
        task=w.task, actor=w.cq_coord, narrative="重庆段铁塔组立完成八成", progress=60
    )
    answered = UrgeTarget.objects.filter(party=w.chongqing)
    assert answered.count() == 2
    for target in answered:
        assert target.progress_update == update
        assert target.answered_by == w.cq_coord and target.answered_at is not None
        assert target.reply == ""
    assert {t.pk for t in update.answered_urges} == {t.pk for t in answered}
    assert not UrgeTarget.objects.filter(
        party=w.sichuan, answered_at__isnull=False
    ).exists()
    replies = Notification.objects.filter(event=Event.URGE_REPLY)
    assert replies.count() == 2  # one per urge answered
    assert {n.recipient for n in replies} == {w.office}
    assert {first.pk, second.pk} == set(
        answered.values_list("urge_id", flat=True).distinct()
    )


def test_a_refused_update_answers_nothing(w):
    urge_send(task=w.task, actor=w.office, message=MESSAGE)
    foreign = services.indicator_create(
        task=_other_task(w), name="别的指标", unit="亿元", target=Decimal(1)
    )
    with pytest.raises(InvalidInput):
        services.progress_update_post(
            task=w.task,
            actor=w.cq_coord,
            narrative="进展",
            progress=60,
            reading=services.ReadingSpec(
                indicator=foreign, period=w.today, value=Decimal(1)
            ),
        )
    assert not UrgeTarget.objects.filter(answered_at__isnull=False).exists()
    assert not Notification.objects.filter(event=Event.URGE_REPLY).exists()


def test_reminders_are_answered_and_notices_are_not(w):
    """The daily ladder's rows (written here as it writes them: no sender)."""
    reminder = Urge.objects.create(
        task=w.task, kind=UrgeKind.OVERDUE, message="合作事项已逾期5天。"
    )
    notice = Urge.objects.create(
        task=w.task, kind=UrgeKind.NOTICE_OFFICE, message="逾期5天，通报专班。"
    )
    for urge in (reminder, notice):
        UrgeTarget.objects.create(urge=urge, party=w.chongqing)
    with pytest.raises(Conflict):
        urge_answer(target=notice.targets.get(), actor=w.cq_coord, reply="收到")
    services.progress_update_post(
        task=w.task, actor=w.cq_coord, narrative="已加快施工", progress=50
    )
    assert reminder.targets.get().answered_at is not None
    assert notice.targets.get().answered_at is None
    # An automatic reminder has nobody to tell of the answer.
    assert not Notification.objects.filter(event=Event.URGE_REPLY).exists()


def test_a_closed_item_takes_no_answer(w):
    urge = urge_send(task=w.task, actor=w.office, message=MESSAGE)
    services.task_cancel(task=w.task, actor=w.office, reason="调整出清单")
    with pytest.raises(TransitionNotAllowed):
        urge_answer(target=_targets(urge)["cq"], actor=w.cq_coord, reply="已处理")


# --- the item page ----------------------------------------------------------------


def test_the_page_shows_the_ledger_and_the_forms_of_each(w):
    sent = timezone.now()
    urge = urge_send(task=w.task, actor=w.office, message=MESSAGE)
    target = _targets(urge)["cq"]
    with time_machine.travel(sent + dt.timedelta(hours=3, minutes=10), tick=False):
        urge_answer(target=target, actor=w.cq_coord, reply="已倒排工期，每周报送。")
    office_page = _page(w.office, w.task)
    assert 'data-action="urge"' in office_page
    assert "催办记录" in office_page and MESSAGE in office_page
    assert "已答复" in office_page and "3小时后答复" in office_page
    assert "未答复" in office_page  # Sichuan's
    assert "已倒排工期，每周报送。" in office_page
    assert 'data-action="answer_urge"' not in office_page

    sc_page = _page(w.sc_coord, w.task)
    sc_target = _targets(urge)["sc"]
    assert f'data-action="answer_urge" data-object="{sc_target.pk}"' in sc_page
    assert f'data-object="{target.pk}"' not in sc_page  # Chongqing's, answered
    assert "专班正在等待本方答复" in sc_page
    assert 'data-action="urge"' not in sc_page
    # Waiting for Sichuan's answer: the 催办记录 comes before the feed.
    assert sc_page.index('id="urges"') < sc_page.index('id="feed"')
    cq_page = _page(w.cq_coord, w.task)
    assert 'data-action="answer_urge"' not in cq_page
    assert cq_page.index('id="urges"') > cq_page.index('id="feed"')


def test_urging_and_answering_from_the_page(w):
    url = reverse("tracker:task_urge", args=[w.task.pk])
    version = Task.objects.get(pk=w.task.pk).version
    blank = signed_in(w.office).post(url, {"urge-version": version, "urge-message": ""})
    assert blank.status_code == 400
    assert "请填写催办内容。" in blank.content.decode()
    assert not Urge.objects.exists()
    forbidden = signed_in(w.sc_coord).post(
        url, {"urge-version": version, "urge-message": MESSAGE}
    )
    assert forbidden.status_code == 403
    sent = signed_in(w.office).post(
        url, {"urge-version": version, "urge-message": MESSAGE}
    )
    assert sent.status_code == 302 and sent["Location"].endswith("#urges")
    urge = Urge.objects.get()
    target = _targets(urge)["sc"]

    answer = reverse("tracker:task_urge_answer", args=[target.pk])
    name = f"answer-{target.pk}-reply"
    refused = signed_in(w.cq_coord).post(answer, {name: "代为答复"})
    assert refused.status_code == 403
    empty = signed_in(w.sc_coord).post(answer, {name: ""})
    assert empty.status_code == 400
    assert "请填写本方答复。" in empty.content.decode()
    done = signed_in(w.sc_coord).post(answer, {name: "四川段已完成架线准备。"})
    assert done.status_code == 302
    target.refresh_from_db()
    assert target.reply == "四川段已完成架线准备。"
    assert target.answered_by == w.sc_coord


def test_the_ledger_is_scoped_to_who_sees_the_item(w, outsider):
    urge = urge_send(task=w.task, actor=w.office, message=MESSAGE)
    target = _targets(urge)["cq"]
    page = signed_in(outsider).get(reverse("tracker:task_detail", args=[w.task.pk]))
    assert page.status_code == 404
    answer = signed_in(outsider).post(
        reverse("tracker:task_urge_answer", args=[target.pk]),
        {f"answer-{target.pk}-reply": "x"},
    )
    assert answer.status_code == 404
