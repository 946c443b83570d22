"""The checks /readyz runs. Each returns a short detail or raises; each is
bounded in time, so the probe answers even when what it asks hangs."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

BROKER_TIMEOUT = 1.0


def database() -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        # A database that takes longer than this to answer SELECT 1 is not
        # one to send traffic to.
        cursor.execute("SET LOCAL statement_timeout = 2000")
        cursor.execute("SELECT 1")
    return ""


def broker() -> str:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=BROKER_TIMEOUT,
            socket_timeout=BROKER_TIMEOUT,
            retry_on_timeout=False,
        )
        try:
            client.ping()
        finally:
            client.close()
        return ""
    # kombu's filesystem transport (a developer's machine): its folder.
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    if not folder.is_dir():
        raise RuntimeError(f"no queue folder at {folder}")
    return "filesystem"


def storage() -> str:
    """The file storage answers. On disk: the media directory is there (or
    can be made by the first write). Any other backend (S3 and the like): a
    listing of its root, which asks the bucket itself."""
    if isinstance(default_storage, FileSystemStorage):
        root = Path(default_storage.location)
        if root.is_dir():
            return ""
        if root.parent.is_dir() and os.access(root.parent, os.W_OK):
            return "empty (made on the first write)"
        raise RuntimeError("the storage's directory is not there")
    default_storage.listdir("")
    return ""


def migrations() -> str:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        raise RuntimeError(f"{len(plan)} unapplied: {names}")
    return ""


CHECKS = {
    "database": database,
    "broker": broker,
    "storage": storage,
    "migrations": migrations,
}
