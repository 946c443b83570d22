"""The permission matrix's world, shared by the API permission modules."""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.tracker.api_world import World, build_world


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end;
    each test (pytest-django's `db`) and each matrix cell run in savepoints."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with django_db_blocker.unblock(), media, transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_world, db) -> World:
    return _world
