"""Worlds built once per module: the permission matrix's, shared by the API
permission modules, and the workflow's, shared by the modules that walk the
transition table."""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.tracker.api_world import World, build_world
from tests.tracker.workflow_world import WorkflowWorld, build_workflow_world


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


@pytest.fixture(scope="module")
def _workflow_world(django_db_setup, django_db_blocker):
    """A task in every state (tests/tracker/workflow_world.py), built once for
    the module inside a transaction rolled back at its end; each test runs in
    a savepoint of its own (pytest-django's `db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_workflow_world()
        transaction.set_rollback(True)


@pytest.fixture
def workflow_world(_workflow_world, db) -> WorkflowWorld:
    return _workflow_world
