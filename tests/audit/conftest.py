"""Fixtures of the audit tests: auditors and their admin, a sealed history,
the anchor file, a second session, the application's database role."""

import uuid
from io import StringIO

import pghistory
import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from accounts import services as account_services
from audit.security import auditor_group_sync
from tests.audit.chain import FORGED_TITLE, event_count, seal
from tests.clock import days
from tests.factories import UserFactory
from tracker import services
from tracker.models import Task


@pytest.fixture
def auditor(chongqing):
    user = UserFactory(username="cq_audit", full_name="孙静怡", is_staff=True)
    account_services.membership_grant(user=user, party=chongqing, role="auditor")
    auditor_group_sync()
    return user


@pytest.fixture
def auditor_client(auditor):
    client = Client()
    client.force_login(auditor)
    return client


@pytest.fixture
def admin_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def milestone(task, sichuan, sc_coord):
    services.task_start(task=task, actor=sc_coord)
    return services.milestone_create(
        task=task, title="四川段投运", due_date=days(90), party=sichuan
    )


@pytest.fixture
def other_connection(db):
    """A second session, as a concurrent writer or sealer would have. What it
    commits outlives the test's transaction, so it is removed afterwards, with
    the history triggers off for that session only."""
    cfg = connection.settings_dict
    with psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        dbname=cfg["NAME"],
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
    ) as other:
        yield other
        other.rollback()
        other.execute("SET session_replication_role = replica")
        other.execute(
            "DELETE FROM audit_groupevent WHERE name = '迟到的权限组';"
            "DELETE FROM auth_group WHERE name = '迟到的权限组';"
            f"DELETE FROM audit_taskevent WHERE title = '{FORGED_TITLE}'"
        )
        other.commit()


@pytest.fixture
def anchor_file(settings, tmp_path):
    """The anchor file, outside the database: each sealing run appends its
    head there once it commits."""
    settings.AUDIT_ANCHOR_PATH = str(tmp_path / "audit-anchors.log")
    return tmp_path / "audit-anchors.log"


@pytest.fixture
def history(task, sichuan, sc_coord):
    """Events in several tables (parties, agencies, users, memberships,
    initiative, task, owners, milestones, progress updates), all sealed, in
    two runs."""
    services.task_start(task=task, actor=sc_coord)
    milestone = services.milestone_create(
        task=task, title="四川段投运", due_date=days(90), party=sichuan
    )
    for progress in (10, 20, 30):
        # As the API would record it: who, from where, why.
        with pghistory.context(source="api", user=sc_coord.pk, reason="季度报送"):
            services.progress_update_post(
                task=Task.objects.get(pk=task.pk),
                actor=sc_coord,
                narrative=f"完成{progress}%",
                progress=progress,
            )
    Task.objects.filter(pk=task.pk).update(description="批量修改")
    services.milestone_update(
        milestone=milestone, actor=sc_coord, expected_version=None, status="done"
    )
    first = seal()
    assert first.sealed == event_count() > 20
    with pghistory.context(source="api", user=sc_coord.pk):
        services.progress_update_post(
            task=Task.objects.get(pk=task.pk),
            actor=sc_coord,
            narrative="完成40%",
            progress=40,
        )
    result = seal()
    assert result.sealed >= 2 and result.position == event_count()
    return result


@pytest.fixture
def app_role(db):
    role = f"tracker_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def granted(app_role):
    call_command("grant_app_role", app_role, stdout=StringIO())
    return app_role
