from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def validated_save(obj: M, *, exclude: Iterable[str] = ()) -> M:
    """Save `obj` only after the model's own validation passed.

    Services call this so that bad input gets the model's clear message before
    PostgreSQL, which checks the same rules again, would refuse it."""
    obj.full_clean(exclude=list(exclude))
    obj.save()
    return obj
