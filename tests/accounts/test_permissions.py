"""Grants (a user's active memberships) and the rule set every view,
serializer and service asks through `can`."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Membership
from accounts.permissions import can, forget_grants, grants, ruleset
from accounts.services import membership_grant
from tests.clock import days
from tests.factories import PartyFactory, UserFactory, make_initiative, make_task
from tracker import services

pytestmark = pytest.mark.django_db

# Rules that change something: leadership and auditors are granted none.
WRITES = sorted(name for name in ruleset if name not in ("view_initiative",))


def test_grants_follow_active_memberships(sichuan, chongqing, sc_coord):
    assert grants(sc_coord).coordinator_of == {sichuan.pk}
    assert grants(sc_coord).member_of == {sichuan.pk}
    assert not grants(sc_coord).administrator
    # Read once per user object: a change needs forget_grants (or a new
    # request's user object).
    Membership.objects.filter(user=sc_coord).update(is_active=False)
    assert grants(sc_coord).coordinator_of == {sichuan.pk}
    forget_grants(sc_coord)
    assert grants(sc_coord).member_of == frozenset()
    assert not grants(sc_coord).is_member


def test_nobody_and_the_inactive_are_granted_nothing(sc_coord):
    for user in (None, AnonymousUser()):
        assert grants(user).member_of == frozenset()
    sc_coord.is_active = False
    forget_grants(sc_coord)
    assert not grants(sc_coord).is_member


def test_superusers_and_the_joint_office_administer(office, superuser):
    for user in (office, superuser):
        assert grants(user).administrator and grants(user).is_member


def test_every_rule_refuses_when_given_no_object(office, sc_coord):
    for rule in ruleset:
        for user in (office, sc_coord):
            assert can(user, rule, None) is False, rule


def test_leadership_and_auditors_write_nothing(task, sc_leader, cq_auditor):
    milestone = services.milestone_create(
        task=task, title="联合验收", due_date=days(90)
    )
    for user in (sc_leader, cq_auditor):
        assert can(user, "view_initiative", task.initiative)
        for rule in WRITES:
            if rule == "generate_report":
                continue  # leadership asks for reports: below
            for obj in (task, milestone):
                assert not can(user, rule, obj), (user.username, rule)


def test_a_coordinator_changes_what_their_own_party_owns(
    initiative, sichuan, chongqing, sc_coord, cq_coord, office
):
    task = make_task(initiative, code="NY-07")
    ours = services.milestone_create(
        task=task, title="四川段", due_date=days(90), party=sichuan
    )
    theirs = services.milestone_create(
        task=task, title="重庆段", due_date=days(90), party=chongqing
    )
    joint = services.milestone_create(task=task, title="联合验收", due_date=days(120))
    assert can(sc_coord, "change_milestone", ours)
    assert not can(sc_coord, "change_milestone", theirs)
    assert can(cq_coord, "change_milestone", theirs)
    assert can(office, "change_milestone", ours)  # the joint office too
    for user in (sc_coord, cq_coord):  # a joint milestone: any owner's coordinator
        assert can(user, "change_milestone", joint)
        assert can(user, "post_progress_update", task)

    # A task Sichuan alone owns: Chongqing's coordinator sees it, writes nothing.
    alone = make_task(initiative, code="NY-08", parties=[sichuan])
    assert can(cq_coord, "view_initiative", alone.initiative)
    assert not can(cq_coord, "post_progress_update", alone)
    assert can(sc_coord, "post_progress_update", alone)


def test_reports_are_asked_for_by_the_office_and_participants_leadership(
    initiative, office, sc_leader, sc_coord
):
    assert can(office, "generate_report", initiative)
    assert can(sc_leader, "generate_report", initiative)
    assert not can(sc_coord, "generate_report", initiative)
    # Leadership of a party that does not take part in this initiative.
    outsider = PartyFactory(code="gz", name="贵州省", short_name="贵")
    make_initiative([outsider])
    leader = UserFactory(username="gz_leader")
    membership_grant(user=leader, party=outsider, role="leadership")
    assert not can(leader, "generate_report", initiative)
