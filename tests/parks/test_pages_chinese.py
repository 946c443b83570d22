"""The park pages read in Chinese: every word of Latin letters on them, in
every step of an assessment and for every role, is a name, a code or one of
the abbreviations a clerk reads as written (the admin scan's rule,
tests.config.test_admin_chinese.untranslated)."""

from __future__ import annotations

import pytest

from parks import services
from tests.config.test_admin_chinese import untranslated
from tests.tracker.pages import body, signed_in

from .conftest import submit

pytestmark = pytest.mark.django_db


def _pages(world) -> list[str]:
    a = world["a"]["甲"]
    return [
        "/parks/",
        f"/parks/cycles/{world['cycle'].pk}/",
        f"/parks/{a.park_id}/",
        f"/parks/pairs/{world['pairs'][0].pk}/",
    ]


def _scan(world, users, names) -> dict:
    found = {}
    for user in users:
        client = signed_in(user)
        for url in _pages(world):
            response = client.get(url)
            assert response.status_code == 200, url
            words = untranslated(body(response), names)
            if words:
                found[(user.username, url)] = words
    return found


def test_every_step_of_an_assessment_reads_in_chinese(
    parks_world, sc_leader, cq_auditor
):
    world = parks_world
    users = [world["sc"], world["cq"], world["office"], sc_leader, cq_auditor]
    # "English": the language switch offers English by its own name; "MB":
    # the files' size limit, as the task page's evidence field writes it;
    # "pdf": the extension of an evidence file's Chinese name (佐证材料.pdf).
    names = {u.username for u in users} | {"English", "MB", "pdf"}
    # Draft: Sichuan's values form.
    assert _scan(world, users, names) == {}
    # Submitted: Chongqing's query and agreement forms; a query's mark.
    submit(world, "甲", world["sc"])
    services.assessment_query(
        user=world["cq"],
        assessment=world["a"]["甲"],
        indicator_code="orders",
        comment="请说明订单口径。",
    )
    assert _scan(world, users, names) == {}
    # Scored and published: the office's forms, results, ranks.
    for key, coord, reviewer in (
        ("甲", "sc", "cq"),
        ("乙", "cq", "sc"),
        ("丙", "sc", "cq"),
        ("丁", "cq", "sc"),
    ):
        submit(world, key, world[coord])
        services.assessment_agree(user=world[reviewer], assessment=world["a"][key])
        services.assessment_score(user=world["office"], assessment=world["a"][key])
    assert _scan(world, users, names) == {}
    services.cycle_publish(user=world["office"], cycle=world["cycle"])
    assert _scan(world, users, names) == {}
