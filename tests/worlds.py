"""Worlds built once per module, in a transaction rolled back at its end.

pytest-django creates the test database only for a session in which some test
asks for the database; a module-scoped fixture that unblocks the database
itself would otherwise write to the developer's own (DATABASE_URL). So every
such world goes through `rolled_back`, which refuses any database but a test
one before touching it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


def require_test_database() -> None:
    name = connection.settings_dict["NAME"]
    if not str(name).startswith("test_"):
        raise RuntimeError(
            f"a module's world would be built in {name!r}, which is not a test "
            "database: mark the module's tests with pytest.mark.django_db"
        )


@contextmanager
def rolled_back(django_db_blocker) -> Iterator[None]:
    """Unblock the database, check it is a test one, and roll back whatever
    the block wrote."""
    with django_db_blocker.unblock():
        require_test_database()
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
