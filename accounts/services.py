"""Every write to parties, agencies, users and memberships goes through here."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from config.validation import validated_save

from .choices import AgencyKind, PartyKind
from .models import Agency, Membership, Party, User


@transaction.atomic
def party_create(
    *,
    code: str,
    name: str,
    short_name: str,
    kind: str = PartyKind.PROVINCE,
    sort_order: int = 0,
) -> Party:
    party = Party(
        code=code, name=name, short_name=short_name, kind=kind, sort_order=sort_order
    )
    return validated_save(party)


@transaction.atomic
def agency_create(
    *,
    party: Party,
    name: str,
    short_name: str = "",
    kind: str = AgencyKind.DEPARTMENT,
    is_lead: bool = False,
    parent: Agency | None = None,
) -> Agency:
    agency = Agency(
        party=party,
        name=name,
        short_name=short_name,
        kind=kind,
        is_lead=is_lead,
        parent=parent,
    )
    return validated_save(agency)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    return validated_save(user)


@transaction.atomic
def membership_grant(
    *, user: User, party: Party, role: str, agency: Agency | None = None
) -> Membership:
    membership = Membership(user=user, party=party, role=role, agency=agency)
    return validated_save(membership)


@transaction.atomic
def group_create(*, name: str, permissions: Iterable[Permission] = ()) -> Group:
    """Create a permission group (e.g. the auditors' read-only group)."""
    group = Group(name=name)
    validated_save(group)
    group.permissions.add(*permissions)
    return group


@transaction.atomic
def group_permissions_add(*, group: Group, permissions: Iterable[Permission]) -> int:
    """Give a group the permissions it lacks; returns how many were added."""
    held = set(group.permissions.values_list("pk", flat=True))
    missing = [perm for perm in permissions if perm.pk not in held]
    group.permissions.add(*missing)
    return len(missing)


@transaction.atomic
def group_member_add(*, group: Group, user: User) -> bool:
    """Put a user in a group; returns False if they were already in it."""
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    return True
