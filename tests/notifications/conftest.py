"""A joint item of Sichuan and Chongqing with a coordinator on each side (each
with an e-mail address), a second Sichuan coordinator, the joint office and
leadership: who is told of what, and how."""

import pytest

from accounts.services import membership_grant
from tests.factories import UserFactory, make_task
from tracker import services


def _person(username, party, role, email=True):
    user = UserFactory(
        username=username, email=f"{username}@example.gov.cn" if email else ""
    )
    membership_grant(user=user, party=party, role=role)
    return user


@pytest.fixture
def people(sichuan, chongqing):
    return {
        "sc": _person("sc_coord", sichuan, "coordinator"),
        "sc2": _person("sc_coord2", sichuan, "coordinator"),
        "cq": _person("cq_coord", chongqing, "coordinator"),
        "office": _person("office", sichuan, "administrator"),
        "leader": _person("sc_leader", sichuan, "leadership"),
    }


@pytest.fixture
def joint(initiative, people, today):
    """川渝1000千伏特高压交流工程, in progress."""
    task = make_task(initiative, code="NY-01", title="川渝1000千伏特高压交流工程")
    services.task_start(task=task, actor=people["office"])
    return task


def claim(task, actor, explanation="四川段已全部投运。"):
    return services.task_claim_completion(
        task=task, actor=actor, explanation=explanation
    )
