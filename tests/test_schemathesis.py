"""Schemathesis against the live schema: every operation of /api/schema/,
called on a running server over HTTP with generated input (valid and invalid),
as a Sichuan coordinator and as the joint office's administrator.

Checks, for every response: no 5xx (`not_a_server_error`), the status code is
one the schema declares (`status_code_conformance`), so is the content type
(`content_type_conformance`), and the body matches the declared schema
(`response_schema_conformance`). A 4xx is a fine answer to bad input, but only
when the schema says the operation can give it.

Hypothesis is used as a generator only: every example is sent and checked, its
failures are collected, and the test fails once, at the end, listing each
distinct failure per operation with a curl command that reproduces it. No
shrinking, no example database (no state between runs). Bounded: 10 examples
per operation and mode, a 10 s timeout per request; about 900 requests and
45 s per role on the 2-core machine.

Path ids are half the time drawn from rows that exist, so that operations reach
their real code and not only their 404; writes get ``If-Match: *`` most of the
time (else none, or a stale tag: 428 and 412 are legitimate answers) and POSTs
sometimes an Idempotency-Key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import UndefinedStatusCode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Agency, Party, User
from tracker import services
from tracker.demo import load_demo
from tracker.models import (
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    Initiative,
    Milestone,
    ProgressUpdate,
    Task,
    TaskOwner,
    WorkStream,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 10  # per operation and generation mode (valid, invalid)
TIMEOUT = 10  # seconds, per request

# The first path segment after /api/v1/ → the model whose ids it takes.
RESOURCES = {
    "tasks": Task,
    "milestones": Milestone,
    "indicators": Indicator,
    "readings": IndicatorReading,
    "progress-updates": ProgressUpdate,
    "extension-requests": ExtensionRequest,
    "initiatives": Initiative,
    "parties": Party,
    "agencies": Agency,
    "work-streams": WorkStream,
    "owners": TaskOwner,
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def demo_world() -> None:
    """The demo data set, plus what it lacks for the API to show: a pending
    extension request, an open completion claim, a reading with evidence."""
    today = timezone.localdate()
    load_demo(today=today)
    sc_coord = User.objects.get(username="sc_coord")
    cq_coord = User.objects.get(username="cq_coord")
    open_tasks = Task.objects.filter(status="in_progress").order_by("pk")
    first, second = open_tasks[0], open_tasks[1]
    services.task_request_extension(
        task=first,
        actor=sc_coord,
        requested_due_date=first.due_date + dt.timedelta(days=90),
        reason="征地手续延误",
    )
    services.task_claim_completion(
        task=second, actor=cq_coord, explanation="重庆段已全部完工"
    )
    # A closed task takes no readings: one Sichuan reports on a task in progress.
    indicator = (
        Indicator.objects.filter(
            task__status="in_progress", task__owners__party__code="SC"
        )
        .exclude(party__code="CQ")
        .order_by("pk")
        .first()
    )
    services.indicator_reading_record(
        indicator=indicator,
        actor=sc_coord,
        period=dt.date(2020, 1, 31),
        value=Decimal("1.5"),
        evidence=SimpleUploadedFile(
            "佐证.pdf", MINIMAL_PDF, content_type="application/pdf"
        ),
    )


def real_ids() -> dict[str, list[int]]:
    """Ids of existing rows per resource, newest first (demo_world's additions
    are among them)."""
    return {
        segment: list(model.objects.order_by("-pk").values_list("pk", flat=True)[:40])
        for segment, model in RESOURCES.items()
    }


@dataclasses.dataclass
class Findings:
    """What one run saw: every status code per operation, and each distinct
    failure (operation, check's title, status code) with its first example."""

    statuses: dict[str, Counter] = dataclasses.field(
        default_factory=lambda: defaultdict(Counter)
    )
    failures: dict[tuple[str, str, int], str] = dataclasses.field(default_factory=dict)

    def record(self, label: str, response, group: FailureGroup | None) -> None:
        self.statuses[label][response.status_code] += 1
        for failure in group.exceptions if group else ():
            code = getattr(failure, "status_code", response.status_code)
            self.failures.setdefault((label, failure.title, code), str(group))

    def report(self, who: str) -> str:
        requests = sum(sum(c.values()) for c in self.statuses.values())
        lines = [
            f"{len(self.failures)} distinct failures as {who} "
            f"({requests} requests over {len(self.statuses)} operations)"
        ]
        undeclared = defaultdict(set)
        others = []
        for (label, title, code), text in sorted(self.failures.items()):
            if title == UndefinedStatusCode.kind_title:
                undeclared[label].add(code)
            else:
                others.append(f"--- {label}: {title} ({code})\n{text.strip()}")
        if others:
            lines += ["", "== failures other than undeclared status codes", *others]
        if undeclared:
            lines += ["", "== status codes answered but not declared in the schema"]
            lines += [
                f"   {label}: {', '.join(map(str, sorted(codes)))}"
                for label, codes in sorted(undeclared.items())
            ]
            lines += ["", "== one example per undeclared status code"]
            seen = set()
            for (label, title, code), text in sorted(self.failures.items()):
                if title == UndefinedStatusCode.kind_title and code not in seen:
                    seen.add(code)
                    lines.append(f"--- {label} ({code})\n{text.strip()}")
        lines += ["", "== status codes seen per operation"]
        lines += [
            f"   {label}: {dict(sorted(counts.items()))}"
            for label, counts in sorted(self.statuses.items())
        ]
        return "\n".join(lines)


def make_run(strategy, *, label, known, base_url, token, findings: Findings):
    """A Hypothesis test that sends each generated case and records what the
    checks find, without failing (so that one run collects everything)."""

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, data=st.data())
    def run(case, data):
        if "id" in case.path_parameters and data.draw(st.booleans()):
            case.path_parameters["id"] = data.draw(st.sampled_from(known))
        headers = {"Authorization": f"Token {token}"}
        if case.method.upper() in WRITES:
            if_match = data.draw(st.sampled_from(["*", "*", "*", None, '"stale-v0"']))
            if if_match is not None:
                headers["If-Match"] = if_match
            if case.method.upper() == "POST" and data.draw(st.booleans()):
                headers["Idempotency-Key"] = data.draw(
                    st.text(alphabet="abcdef0123456789", min_size=8, max_size=40)
                )
        send(case, label=label, base_url=base_url, headers=headers, findings=findings)

    return run


def send(case, *, label, base_url, headers, findings: Findings) -> None:
    response = case.call(base_url=base_url, headers=headers, timeout=TIMEOUT)
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except FailureGroup as group:
        findings.record(label, response, group)
    else:
        findings.record(label, response, None)


def exercise(schema, *, base_url: str, token: str) -> Findings:
    findings = Findings()
    ids = real_ids()
    for result in schema.get_all_operations():
        operation = result.ok()
        segment = operation.path.removeprefix("/api/v1/").split("/", 1)[0]
        for mode in schemathesis.GenerationMode:
            run = make_run(
                operation.as_strategy(generation_mode=mode),
                label=operation.label,
                known=ids.get(segment) or [1],
                base_url=base_url,
                token=token,
                findings=findings,
            )
            try:
                run()
            except Unsatisfiable:
                # An operation with nothing that can be made invalid (no
                # parameters, no body) has no negative cases; positive ones
                # it must always have.
                if mode is not schemathesis.GenerationMode.NEGATIVE:
                    raise
        if operation.method.upper() == "GET" and "{id}" in operation.path:
            # Random draws may miss the few rows that matter most (the one
            # reading with evidence, the pending extension request): read the
            # newest rows of every resource once, deterministically.
            for pk in ids.get(segment, [])[:3]:
                send(
                    operation.Case(path_parameters={"id": pk}),
                    label=operation.label,
                    base_url=base_url,
                    headers={"Authorization": f"Token {token}"},
                    findings=findings,
                )
    return findings


@pytest.fixture
def evidence_storage(settings, tmp_path):
    """Uploaded evidence goes to a temporary directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["sc_coord", "admin"])
@pytest.mark.usefixtures("evidence_storage")
def test_api_conforms_to_its_live_schema(live_server, username):
    """`sc_coord` coordinates for Sichuan; `admin` is the joint office's
    administrator (专班) of the demo data set."""
    demo_world()
    token = Token.objects.create(user=User.objects.get(username=username)).key
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/schema/",
        headers={"Authorization": f"Token {token}"},
        timeout=TIMEOUT,
    )
    findings = exercise(schema, base_url=live_server.url, token=token)

    operations = {r.ok().label for r in schema.get_all_operations()}
    assert len(operations) > 30, "the schema lost its operations"
    assert set(findings.statuses) == operations, "every operation must be called"
    assert not findings.failures, findings.report(username)
