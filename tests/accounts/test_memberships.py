"""Parties, agencies and memberships: what the services refuse, in the
user's language, and that a refusal changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import Agency, Membership
from tests.factories import AgencyFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def test_a_membership_names_an_agency_of_its_own_party(sichuan, chongqing):
    user = UserFactory(username="zhou")
    chongqing_agency = AgencyFactory(party=chongqing, name="重庆市经济和信息化委员会")
    with pytest.raises(ValidationError) as refused:
        services.membership_grant(
            user=user, party=sichuan, role="coordinator", agency=chongqing_agency
        )
    assert "所属单位必须属于授权的省市。" in _messages(refused.value)
    assert not Membership.objects.filter(user=user).exists()


def test_one_role_once_per_party(sichuan):
    user = UserFactory(username="chen")
    services.membership_grant(user=user, party=sichuan, role="coordinator")
    with pytest.raises(ValidationError) as refused:
        services.membership_grant(user=user, party=sichuan, role="coordinator")
    assert "该用户在该省市已有此角色。" in _messages(refused.value)
    assert Membership.objects.filter(user=user).count() == 1
    # Another role in the same party is another membership.
    services.membership_grant(user=user, party=sichuan, role="leadership")
    assert Membership.objects.filter(user=user).count() == 2


def test_one_lead_agency_per_party_and_parents_in_the_same_party(sichuan):
    lead = services.agency_create(
        party=sichuan, name="四川省经济和信息化厅", is_lead=True
    )
    with pytest.raises(ValidationError) as refused:
        services.agency_create(party=sichuan, name="另一牵头单位", is_lead=True)
    assert "该省市已有牵头单位。" in _messages(refused.value)
    other = PartyFactory(code="gz", name="贵州省", short_name="贵")
    with pytest.raises(ValidationError) as refused:
        services.agency_create(party=other, name="下属处室", parent=lead)
    assert "上级单位必须属于同一省市。" in _messages(refused.value)
    assert list(Agency.objects.filter(party=sichuan, is_lead=True)) == [lead]
    assert not Agency.objects.filter(name__in=["另一牵头单位", "下属处室"]).exists()


def test_agency_names_are_unique_within_a_party_only(sichuan, chongqing):
    services.agency_create(party=sichuan, name="发展改革委")
    services.agency_create(party=chongqing, name="发展改革委")
    with pytest.raises(ValidationError) as refused:
        services.agency_create(party=sichuan, name="发展改革委")
    assert "该省市已有同名单位。" in _messages(refused.value)
    assert Agency.objects.filter(name="发展改革委").count() == 2


def test_group_membership_and_permissions_are_added_once(db):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="audit")
    view = list(Permission.objects.filter(codename__startswith="view_")[:3])
    group = services.group_create(name="只读", permissions=view[:2])
    assert services.group_permissions_add(group=group, permissions=view) == 1
    assert services.group_permissions_add(group=group, permissions=view) == 0
    assert services.group_member_add(group=group, user=user) is True
    assert services.group_member_add(group=group, user=user) is False
    assert set(group.permissions.all()) == set(view)
