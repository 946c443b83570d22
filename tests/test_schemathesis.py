"""Schemathesis against the live schema: every operation of /api/schema/,
called on a running server over HTTP, as a Sichuan coordinator (and, in the
schemathesis drill, `make drills DRILL=schemathesis`, as the joint office's
administrator too).

All of schemathesis's checks (its default set: no 5xx, status code, content
type, headers and body conform to the schema, valid data is accepted, invalid
data is rejected, a missing required header is refused, undeclared methods are
405 with Allow, auth is not ignored, …) on every response, in all three test
phases (examples, coverage, fuzzing) and both generation modes (positive and
negative data).

Hypothesis is used as a generator only: every example is sent and checked, its
failures are collected, and the test fails once, at the end, listing each
distinct failure per operation with a curl command that reproduces it. No
shrinking, no example database (no state between runs). Bounded: a few fuzzed
examples and coverage cases per operation (more in the schemathesis drill), a
10 s timeout per request; the request count is printed.

A valid request must really be valid: a write sends the ETag just read from
the object it is conditioned on (what any client does), and a schema-valid
Idempotency-Key is replaced by a fresh one, as a new request would have. Path
ids are drawn from rows that exist for every other case, so that operations
reach their real code and not only their 404.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import re
import uuid
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
import requests
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.config._checks import (
    MISSING_REQUIRED_HEADER_EXPECTED_STATUSES,
    MissingRequiredHeaderConfig,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.openapi.checks import RejectedPositiveData, UndefinedStatusCode

from accounts.models import Agency, Party, User
from notifications.models import Notification
from parks.models import EvaluationCycle, ParkAssessment
from supervision.models import UrgeTarget
from supervision.services.urges import urge_send
from tracker import services
from tracker.demo import load_demo
from tracker.models import (
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    IndustrialPark,
    Initiative,
    Milestone,
    ParkPair,
    ProgressUpdate,
    Task,
    TaskDependency,
    TaskOwner,
    UpdateEvidence,
    WorkStream,
)

# In `make test`: a few fuzzed examples and the first coverage cases of each
# operation; the schemathesis drill (`make drills DRILL=schemathesis`) sends
# more of both (DRILL_MAX_EXAMPLES, DRILL_MAX_COVERAGE in drills/schema.py).
MAX_EXAMPLES = 2  # fuzzed per operation
MAX_COVERAGE = 10  # of the coverage phase's cases per operation, the first
TIMEOUT = 10  # seconds, per request
PHASES = list(HypothesisTestMode)  # examples, coverage, fuzzing

# The first path segment after /api/v1/ → the model whose ids it takes.
RESOURCES = {
    "tasks": Task,
    "milestones": Milestone,
    "indicators": Indicator,
    "readings": IndicatorReading,
    "progress-updates": ProgressUpdate,
    "extension-requests": ExtensionRequest,
    "evidence-files": UpdateEvidence,
    "initiatives": Initiative,
    "parties": Party,
    "agencies": Agency,
    "work-streams": WorkStream,
    "owners": TaskOwner,
    "urge-targets": UrgeTarget,
    "notifications": Notification,
    "parks": IndustrialPark,
    "parks/cycles": EvaluationCycle,
    "parks/assessments": ParkAssessment,
    "parks/pairs": ParkPair,
    "dependencies": TaskDependency,
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Rules between a field and what is stored, which no schema can state: a row
# the id must name, a date that must follow the current due date or fall in the
# reporting window; and fields that only come together (OpenAPI 3.0 has no
# `dependentRequired`). A schema-valid request refused with 400 is a
# conformance failure unless every field the problem names is one of these for
# the operation (its type, format and presence are still checked by the schema).
STORED_DATA_RULES = {
    "PATCH /api/v1/tasks/{id}/": {"work_stream", "lead_party", "planned_start"},
    "PATCH /api/v1/milestones/{id}/": {"due_date"},
    "PATCH /api/v1/owners/{id}/": {"agency", "contact_user"},
    "POST /api/v1/indicators/{id}/readings/": {"period"},
    # An indicator of this task; a reading's period, value and evidence only
    # with its indicator, and period and value both.
    "POST /api/v1/tasks/{id}/progress-updates/": {
        "indicator",
        "period",
        "value",
        "evidence",
        # Uploads of one's own that no update has used; files of an accepted
        # kind whose content is of that kind.
        "evidence_ids",
        "evidence_files",
    },
    "POST /api/v1/uploads/": {"file"},
    "POST /api/v1/tasks/{id}/request-extension/": {"requested_due_date"},
    "POST /api/v1/tasks/{id}/light-override/": {"expires_at"},
    # An explanation is needed while some of the party's milestones are open.
    "POST /api/v1/tasks/{id}/claim-completion/": {"explanation"},
    # A milestone of this task, not done yet; an approved date later than the
    # task's current one.
    "POST /api/v1/tasks/{id}/urges/": {"milestone"},
    "POST /api/v1/extension-requests/{id}/decide/": {"new_due_date"},
    # An item the user may see; a milestone of this item and of the blocker.
    "POST /api/v1/tasks/{id}/dependencies/": {
        "blocker_task",
        "milestone",
        "blocker_milestone",
    },
    "POST /api/v1/reports/": {"period_start", "period_end", "party", "work_stream"},
    "POST /api/v1/report-subscriptions/": {"party", "work_stream"},
    # 催办 and 通报 always show in the centre; each event named once.
    "PUT /api/v1/notification-preferences/": {"events"},
    # Values of the cycle's indicators (codes), every one reported, evidence on
    # file; the indicator a query names is one of the cycle's.
    "POST /api/v1/parks/assessments/{id}/submit/": {"values", "evidence"},
    "POST /api/v1/parks/assessments/{id}/query/": {"indicator", "comment"},
    "POST /api/v1/parks/assessments/{id}/adjust/": {"reason"},
}


def _segment(path: str) -> str:
    """The resource a path names: its first segment after /api/v1/, or two
    under /api/v1/parks/ (its cycles, assessments and pairs)."""
    parts = path.removeprefix("/api/v1/").split("/")
    if parts[0] == "parks" and len(parts) > 1 and f"parks/{parts[1]}" in RESOURCES:
        return f"parks/{parts[1]}"
    return parts[0]


def stored_data_rule(label: str, response) -> bool:
    """A 400 that names only fields whose rule depends on stored data."""
    if response.status_code != 400:
        return False
    try:
        errors = response.json().get("errors") or {}
    except ValueError:
        return False
    # A list's errors are named per item ("evidence_files.1").
    fields = {name.split(".")[0] for name in errors}
    return bool(errors) and fields <= STORED_DATA_RULES.get(label, set())


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
    # A 催办 on an item in progress, each party's part of it to answer.
    urge_send(
        task=open_tasks[2],
        actor=User.objects.get(username="admin"),
        message="请于本周内报送进展。",
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
    # And an update with an evidence file, to download.
    services.progress_update_post(
        task=indicator.task,
        actor=sc_coord,
        narrative="召开现场推进会",
        progress=indicator.task.progress,
        evidence=services.EvidenceSpec(
            files=[SimpleUploadedFile("推进会会议纪要.pdf", MINIMAL_PDF)]
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
    refused_by_stored_data: Counter = dataclasses.field(default_factory=Counter)

    def record(self, label: str, response, group: FailureGroup | None) -> None:
        self.statuses[label][response.status_code] += 1
        for failure in group.exceptions if group else ():
            if isinstance(failure, RejectedPositiveData) and stored_data_rule(
                label, response
            ):
                self.refused_by_stored_data[label] += 1
                continue
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


_KEY = re.compile(r"[ -~]{1,200}")


@dataclasses.dataclass
class Client:
    """Sends cases as one signed-in user, making each valid request really
    valid: the If-Match of a write is the ETag just read from what it is
    conditioned on, an Idempotency-Key is new."""

    base_url: str
    token: str
    known: dict[str, list[int]]
    findings: Findings
    session: requests.Session = dataclasses.field(default_factory=requests.Session)
    _turn: itertools.count = dataclasses.field(default_factory=itertools.count)
    coverage_sent: Counter = dataclasses.field(default_factory=Counter)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}

    def send(self, case) -> None:
        meta = case.meta
        if meta is not None and meta.phase.name == "coverage":
            seen = self.coverage_sent[case.operation.label]
            self.coverage_sent[case.operation.label] += 1
            if seen >= MAX_COVERAGE:
                return
        segment = _segment(case.path)
        pk = case.path_parameters.get("id") if case.path_parameters else None
        if type(pk) is int and self.known.get(segment) and next(self._turn) % 2:
            ids = self.known[segment]
            case.path_parameters["id"] = pk = ids[abs(pk) % len(ids)]
        headers = case.headers if case.headers is not None else {}
        if "If-Match" in headers and pk is not None:
            if case.method == "POST" and case.path.endswith("/progress-updates/"):
                # A progress update is conditioned on the caller's party's
                # part of the task, not on the task.
                tag = self.part_etag(pk)
            else:
                tag = self.current_etag(f"/api/v1/{segment}/{pk}/")
            if tag is not None:
                headers["If-Match"] = tag
        key = headers.get("Idempotency-Key")
        if isinstance(key, str) and _KEY.fullmatch(key):
            headers["Idempotency-Key"] = str(uuid.uuid4())
        if headers:
            case.headers = headers
        response = case.call(
            base_url=self.base_url,
            session=self.session,
            headers=self.auth,
            timeout=TIMEOUT,
        )
        try:
            case.validate_response(response, headers={**self.auth, **headers})
        except FailureGroup as group:
            self.findings.record(case.operation.label, response, group)
        else:
            self.findings.record(case.operation.label, response, None)

    def part_etag(self, task_pk) -> str | None:
        """The ETag of the part of task `task_pk` that the caller reports on:
        the owner entry of a party the caller coordinates."""
        me = self.session.get(
            self.base_url + "/api/v1/me/", headers=self.auth, timeout=TIMEOUT
        ).json()
        mine = {
            m["party"]["code"] for m in me["memberships"] if m["role"] == "coordinator"
        }
        task = self.session.get(
            self.base_url + f"/api/v1/tasks/{task_pk}/",
            headers=self.auth,
            timeout=TIMEOUT,
        )
        if not task.ok:
            return None
        owners = task.json().get("owners") or []
        tags = [o["etag"] for o in owners if o["party"]["code"] in mine]
        return tags[0] if tags else None

    def current_etag(self, path: str) -> str | None:
        response = self.session.get(
            self.base_url + path, headers=self.auth, timeout=TIMEOUT
        )
        return response.headers.get("ETag") if response.ok else None


def configure(schema) -> None:
    """A missing If-Match is answered 428 Precondition Required (RFC 6585
    §3), the status made for exactly that; the check's default list predates
    it."""
    schema.config.checks.missing_required_header = MissingRequiredHeaderConfig(
        expected_statuses=[*MISSING_REQUIRED_HEADER_EXPECTED_STATUSES, "428"]
    )


def exercise(schema, client: Client) -> None:
    settings = hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    for result in schema.get_all_operations():
        operation = result.ok()

        def run(case):
            client.send(case)

        test = create_test(
            operation=operation,
            test_func=run,
            config=HypothesisTestConfig(
                project=schema.config, modes=PHASES, settings=settings
            ),
        )
        # Unsatisfiable: negative fuzzing of an operation with nothing that
        # can be made invalid; the other phases and modes have run.
        with contextlib.suppress(Unsatisfiable):
            test()
        if operation.method.upper() == "GET" and "{id}" in operation.path:
            # Random draws may miss the few rows that matter most (the one
            # reading with evidence, the pending extension request): read the
            # newest rows of every resource once, deterministically.
            segment = _segment(operation.path)
            for pk in client.known.get(segment, [])[:3]:
                client.send(operation.Case(path_parameters={"id": pk}))


@pytest.fixture
def evidence_storage(settings, tmp_path):
    """Uploaded evidence goes to a temporary directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db(transaction=True)
# A Sichuan coordinator here; the schemathesis drill (drills/schema.py) runs
# the joint office's administrator too, with more cases per operation.
@pytest.mark.parametrize("username", ["sc_coord"])
@pytest.mark.usefixtures("evidence_storage")
def test_api_conforms_to_its_live_schema(live_server, username, capsys):
    """`sc_coord` coordinates for Sichuan in the demo data set (`admin`, the
    joint office's administrator, in the drill)."""
    demo_world()
    token = Token.objects.create(user=User.objects.get(username=username)).key
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/schema/",
        headers={"Authorization": f"Token {token}"},
        timeout=TIMEOUT,
    )
    configure(schema)
    findings = Findings()
    exercise(schema, Client(live_server.url, token, real_ids(), findings))

    with capsys.disabled():
        print("\n" + findings.report(username).split("\n", 1)[0])
    operations = {r.ok().label for r in schema.get_all_operations()}
    assert len(operations) > 30, "the schema lost its operations"
    assert set(findings.statuses) == operations, "every operation must be called"
    assert not findings.failures, findings.report(username)
