"""Each rule is refused twice: by model validation with a clear message, and by
PostgreSQL itself when validation is bypassed (bulk writes, raw SQL)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from accounts.models import Agency
from config.exceptions import PermissionDenied
from tests.factories import AgencyFactory, PartyFactory, make_initiative, make_task
from tracker import services
from tracker.choices import MilestoneStatus
from tracker.models import Milestone, ProgressUpdate, Task, TaskOwner

# The dates here are data for the constraints under test, never compared with
# the clock.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here; test_admin checks the Chinese."""
    with translation.override("en"):
        yield


def db_refuses(write):
    """Run `write` in a savepoint, checking deferred constraints at once."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def messages(exc: ValidationError) -> str:
    return " ".join(m for msgs in exc.value.message_dict.values() for m in msgs)


# --- a second owner from the same party -------------------------------------


def test_second_owner_from_same_party_fails_validation(task, sichuan):
    owner = TaskOwner(
        task=task,
        party=sichuan,
        agency=Agency.objects.get(party=sichuan, is_lead=True),
        contact_name="王五",
    )
    with pytest.raises(ValidationError) as exc:
        owner.full_clean()
    assert "already has an owner from that party" in messages(exc)
    assert task.owners.filter(party=sichuan).count() == 1


def test_second_owner_from_same_party_refused_by_database(task, sichuan):
    agency = Agency.objects.get(party=sichuan, is_lead=True)
    db_refuses(
        lambda: TaskOwner.objects.bulk_create(
            [TaskOwner(task=task, party=sichuan, agency=agency, contact_name="王五")]
        )
    )


def test_owner_agency_must_belong_to_owner_party(initiative, sichuan, chongqing):
    task = make_task(initiative, parties=[sichuan])
    cq_agency = Agency.objects.get(party=chongqing, is_lead=True)
    owner = TaskOwner(task=task, party=chongqing, agency=cq_agency, contact_name="甲")
    owner.full_clean()  # a consistent owner is fine
    wrong = TaskOwner(
        task=task,
        party=chongqing,
        agency=Agency.objects.get(party=sichuan, is_lead=True),
        contact_name="乙",
    )
    with pytest.raises(ValidationError) as exc:
        wrong.full_clean()
    assert "must belong to this party" in messages(exc)
    db_refuses(lambda: TaskOwner.objects.bulk_create([wrong]))


def test_owner_party_must_take_part_in_initiative(task):
    outsider = PartyFactory(name="贵州省")
    agency = AgencyFactory(party=outsider)
    owner = TaskOwner(task=task, party=outsider, agency=agency, contact_name="丙")
    with pytest.raises(ValidationError) as exc:
        owner.full_clean()
    assert "does not take part" in messages(exc)


# --- a milestone of a party that is not a participant -------------------------


def test_milestone_of_non_owner_party_fails_validation(initiative, sichuan, chongqing):
    task = make_task(initiative, parties=[sichuan])
    with pytest.raises(ValidationError) as exc:
        services.milestone_create(
            task=task, title="重庆节点", due_date=dt.date(2025, 6, 30), party=chongqing
        )
    assert "not an owner of the task" in messages(exc)
    assert not task.milestones.exists()


def test_milestone_of_non_owner_party_refused_by_database(
    initiative, sichuan, chongqing
):
    task = make_task(initiative, parties=[sichuan])
    db_refuses(
        lambda: Milestone.objects.bulk_create(
            [
                Milestone(
                    task=task, party=chongqing, title="x", due_date=dt.date(2025, 1, 1)
                )
            ]
        )
    )


def test_progress_update_of_non_owner_party_refused(
    initiative, sichuan, chongqing, cq_coord
):
    task = make_task(initiative, parties=[sichuan])
    with pytest.raises(PermissionDenied):
        services.progress_update_post(
            task=task, actor=cq_coord, narrative="进展", progress=10
        )
    db_refuses(
        lambda: ProgressUpdate.objects.bulk_create(
            [
                ProgressUpdate(
                    task=task,
                    party=chongqing,
                    author=cq_coord,
                    narrative="进展",
                    progress=10,
                )
            ]
        )
    )


# --- a due date before the start ------------------------------------------------


def test_due_date_before_start_fails_validation(initiative):
    with pytest.raises(ValidationError) as exc:
        make_task(
            initiative, planned_start=dt.date(2025, 6, 1), due_date=dt.date(2025, 5, 1)
        )
    assert "cannot be before the planned start" in messages(exc)
    assert not Task.objects.exists()


def test_due_date_before_start_refused_by_database(task):
    db_refuses(
        lambda: Task.objects.filter(pk=task.pk).update(
            planned_start=dt.date(2026, 1, 1), due_date=dt.date(2025, 1, 1)
        )
    )


# --- progress outside 0–100 -----------------------------------------------------


@pytest.mark.parametrize("value", [-1, 101, 1000])
def test_task_progress_outside_range_refused(task, value):
    task.progress = value
    with pytest.raises(ValidationError):
        task.full_clean()
    if value >= 0:  # a negative value cannot even reach a positive integer column
        db_refuses(lambda: Task.objects.filter(pk=task.pk).update(progress=value))
    task.refresh_from_db()
    assert task.progress == 0


def test_progress_update_outside_range_refused(task, sichuan, sc_coord):
    with pytest.raises(ValidationError) as exc:
        services.progress_update_post(
            task=task, actor=sc_coord, narrative="进展", progress=101
        )
    assert "100" in messages(exc)
    assert not ProgressUpdate.objects.exists()
    with connection.cursor() as cursor:
        db_refuses(
            lambda: cursor.execute(
                "INSERT INTO tracker_progressupdate "
                "(task_id, party_id, author_id, narrative, progress, reported_at) "
                "VALUES (%s, %s, %s, 'x', 150, now())",
                [task.pk, sichuan.pk, sc_coord.pk],
            )
        )


# --- a duplicate task code ------------------------------------------------------


def test_duplicate_task_code_fails_validation(task, initiative):
    with pytest.raises(ValidationError) as exc:
        make_task(initiative, code=task.code)
    assert "already exists in the initiative" in messages(exc)
    assert Task.objects.filter(code=task.code).count() == 1


def test_duplicate_task_code_refused_by_database(task):
    clone = Task.objects.get(pk=task.pk)
    clone.pk = None
    db_refuses(lambda: Task.objects.bulk_create([clone]))


def test_same_code_allowed_in_another_initiative(task, sichuan, chongqing):
    other = make_initiative([sichuan, chongqing])
    assert make_task(other, code=task.code).code == task.code


# --- a task on none of the plan's lists ----------------------------------------


@pytest.mark.parametrize("value", ["", "reciprocal-ish"])
def test_a_task_without_a_list_fails_validation(task, value):
    task.task_list = value
    with pytest.raises(ValidationError) as exc:
        task.full_clean()
    assert list(exc.value.message_dict) == ["task_list"]


def test_a_task_without_a_list_is_refused_by_database(task):
    clone = Task.objects.get(pk=task.pk)
    clone.pk, clone.code, clone.task_list = None, "NY-99", ""
    db_refuses(lambda: Task.objects.bulk_create([clone]))
    db_refuses(lambda: Task.objects.filter(pk=task.pk).update(task_list="x"))


def test_a_new_task_is_on_no_list_until_told():
    assert not Task._meta.get_field("task_list").has_default()
    assert Task().task_list == ""


# --- other cross-table rules ----------------------------------------------------


def test_lead_party_must_take_part(task):
    outsider = PartyFactory(name="陕西省")
    task.lead_party = outsider
    with pytest.raises(ValidationError) as exc:
        task.full_clean()
    assert "does not take part" in messages(exc)
    db_refuses(lambda: Task.objects.filter(pk=task.pk).update(lead_party=outsider))


def test_work_stream_must_belong_to_initiative(task, sichuan, chongqing):
    other = make_initiative([sichuan, chongqing])
    foreign_stream = services.work_stream_create(
        initiative=other, code="x", name="其他"
    )
    task.work_stream = foreign_stream
    with pytest.raises(ValidationError):
        task.full_clean()
    db_refuses(
        lambda: Task.objects.filter(pk=task.pk).update(work_stream=foreign_stream)
    )


def test_original_due_date_is_kept(task):
    original = task.due_date
    Task.objects.filter(pk=task.pk).update(due_date=dt.date(2026, 6, 30))
    task.refresh_from_db()
    assert task.original_due_date == original


def test_joint_milestone_done_only_when_parts_done(task, sichuan, chongqing):
    joint = services.milestone_create(
        task=task, title="联合验收", due_date=dt.date(2025, 10, 1)
    )
    sc_part = services.milestone_create(
        task=task,
        title="四川段验收",
        due_date=dt.date(2025, 9, 1),
        party=sichuan,
        parent=joint,
        status=MilestoneStatus.DONE,
    )
    cq_part = services.milestone_create(
        task=task,
        title="重庆段验收",
        due_date=dt.date(2025, 9, 1),
        party=chongqing,
        parent=joint,
    )
    joint.status = MilestoneStatus.DONE
    joint.completed_at = timezone.now()
    with pytest.raises(ValidationError) as exc:
        joint.full_clean()
    assert "every party's part is done" in messages(exc)
    db_refuses(
        lambda: Milestone.objects.filter(pk=joint.pk).update(
            status=MilestoneStatus.DONE, completed_at=timezone.now()
        )
    )
    # Once every part is done, the joint milestone may be completed.
    Milestone.objects.filter(pk=cq_part.pk).update(
        status=MilestoneStatus.DONE, completed_at=timezone.now()
    )
    joint.full_clean()
    joint.save()
    # ...and a part may not be reopened under a done joint milestone.
    sc_part.refresh_from_db()
    sc_part.status, sc_part.completed_at = MilestoneStatus.PENDING, None
    with pytest.raises(ValidationError):
        sc_part.full_clean()
    db_refuses(
        lambda: Milestone.objects.filter(pk=sc_part.pk).update(
            status=MilestoneStatus.PENDING, completed_at=None
        )
    )


def test_part_must_hang_under_joint_milestone(task, sichuan):
    party_ms = services.milestone_create(
        task=task, title="四川节点", due_date=dt.date(2025, 9, 1), party=sichuan
    )
    with pytest.raises(ValidationError) as exc:
        services.milestone_create(
            task=task,
            title="子节点",
            due_date=dt.date(2025, 9, 1),
            party=sichuan,
            parent=party_ms,
        )
    assert "Only a joint milestone" in messages(exc)
    db_refuses(
        lambda: Milestone.objects.bulk_create(
            [
                Milestone(
                    task=task,
                    party=sichuan,
                    parent=party_ms,
                    title="子节点",
                    due_date=dt.date(2025, 9, 1),
                )
            ]
        )
    )


def test_done_milestone_needs_completion_time(task):
    ms = services.milestone_create(
        task=task, title="节点", due_date=dt.date(2025, 1, 1)
    )
    db_refuses(
        lambda: Milestone.objects.filter(pk=ms.pk).update(status=MilestoneStatus.DONE)
    )


def test_progress_update_carries_progress_onto_task(task, sc_coord, cq_coord):
    services.progress_update_post(
        task=task, actor=sc_coord, narrative="开工建设", progress=35
    )
    task.refresh_from_db()
    assert task.progress == 17  # Sichuan's part at 35, Chongqing's at 0
    services.progress_update_post(
        task=task, actor=cq_coord, narrative="开工建设", progress=35
    )
    task.refresh_from_db()
    assert task.progress == 35
