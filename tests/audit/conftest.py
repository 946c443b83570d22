"""Fixtures of the auditors' admin tests."""

import datetime as dt

import pytest
from django.test import Client

from accounts import services as account_services
from audit.security import auditor_group_sync
from tests.factories import UserFactory
from tracker import services


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
        task=task, title="四川段投运", due_date=dt.date(2025, 6, 30), party=sichuan
    )
