"""The stored files, through Django's storage API only (never MEDIA_ROOT), so
that the same backup and restore work on the local filesystem and on S3."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models


def walk(storage=default_storage, path: str = "") -> Iterator[str]:
    """Every file's name, depth first, in a stable order."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    prefix = f"{path}/" if path else ""
    for name in sorted(files):
        yield prefix + name
    for directory in sorted(directories):
        yield from walk(storage, prefix + directory)


def named_by_rows() -> dict[str, str]:
    """Every stored name a file column holds, with the table that names it."""
    found = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            names = (
                model._base_manager.exclude(**{field.attname: ""})
                .exclude(**{f"{field.attname}__isnull": True})
                .values_list(field.attname, flat=True)
            )
            for name in names.iterator():
                found[name] = model._meta.db_table
    return found
