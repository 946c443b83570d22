"""Fixtures of the API plumbing tests (tests/config/test_api_*)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.config.api_plumbing import en
from tests.factories import UserFactory


@pytest.fixture
def api():
    return en(APIClient())


@pytest.fixture
def user(db):
    return UserFactory(username="coordinator")


@pytest.fixture
def member(api, user):
    api.force_authenticate(user=user)
    return api
