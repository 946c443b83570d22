"""Schemathesis against the running gunicorn on a throwaway database, with
all its checks on, as the Sichuan coordinator and as the joint office's
administrator: the operations, cases sent and distinct failures. The
machinery (valid ETags and Idempotency-Keys, real ids, the findings) is the
one tests/test_schemathesis.py uses."""

from __future__ import annotations

import schemathesis
from django.test import override_settings
from rest_framework.authtoken.models import Token

from accounts.models import User
from tests import test_schemathesis as st

from .api import Web
from .harness import Stage, expect

USERS = ("sc_coord", "admin")
# Fuzzed examples and coverage cases per operation in a full drill.
FULL = (4, 24)


def run(stage: Stage, *, quick: bool, trials: int, rng) -> str:
    web = stage.start(Web(**stage.env()))
    with override_settings(MEDIA_ROOT=str(stage.media)):
        st.demo_world()
    # More than `make test` sends (tests/test_schemathesis.py), except QUICK.
    st.MAX_EXAMPLES, st.MAX_COVERAGE = (1, 10) if quick else FULL
    users = USERS[:1] if quick else USERS
    parts = []
    failures = 0
    for username in users:
        token = Token.objects.get_or_create(user=User.objects.get(username=username))[
            0
        ].key
        schema = schemathesis.openapi.from_url(
            f"{web.url}/api/schema/",
            headers={"Authorization": f"Token {token}"},
            timeout=st.TIMEOUT,
        )
        st.configure(schema)
        findings = st.Findings()
        st.exercise(schema, st.Client(web.url, token, st.real_ids(), findings))
        operations = {r.ok().label for r in schema.get_all_operations()}
        cases = sum(sum(c.values()) for c in findings.statuses.values())
        uncalled = operations - set(findings.statuses)
        expect(not uncalled, f"operations never called as {username}: {uncalled}")
        failures += len(findings.failures)
        if findings.failures:
            print(findings.report(username), flush=True)
        parts.append(
            f"{username} {len(operations)} operations, {cases} cases,"
            f" {len(findings.failures)} failures"
        )
    expect(failures == 0, f"{failures} distinct failures: " + "; ".join(parts))
    return (
        f"all checks, {st.MAX_EXAMPLES} fuzzed + {st.MAX_COVERAGE} coverage + examples"
        f" per operation: " + "; ".join(parts)
    )
