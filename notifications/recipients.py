"""Who hears of what: the people behind a party, the joint office, leadership."""

from __future__ import annotations

from collections.abc import Collection

from accounts.choices import Role
from accounts.models import User


def _members(role: str, parties: Collection[int] | None = None):
    memberships = {"memberships__is_active": True, "memberships__role": role}
    if parties is not None:
        memberships["memberships__party_id__in"] = list(parties)
    return User.objects.filter(is_active=True, **memberships).distinct()


def coordinators_of(parties: Collection[int]):
    """Active coordinators of the given parties."""
    return _members(Role.COORDINATOR, parties)


def joint_office():
    """The joint office (专班): active administrators."""
    return _members(Role.ADMINISTRATOR)


def leadership(parties: Collection[int] | None = None):
    return _members(Role.LEADERSHIP, parties)
