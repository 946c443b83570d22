"""Every read used by a view, report or task, scoped to the requesting user.

Lists are built so that their query count does not grow with their length:
owners, lead party and work stream come with the page, the light is read from
its stored row (tracker.models.TaskLight) in the same SQL statement."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Membership, Party, User
from accounts.permissions import coordinator_parties_for, grants
from config.exceptions import InvalidInput, NotFound, PermissionDenied
from supervision.choices import ANSWERED_KINDS
from supervision.models import UrgeTarget

from ..choices import (
    ClaimStatus,
    ExtensionStatus,
    MilestoneStatus,
    TaskStatus,
)
from ..models import (
    ClaimDecision,
    CompletionClaim,
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    Initiative,
    Milestone,
    ProgressUpdate,
    Task,
    TaskForecast,
    TaskOwner,
    UpdateEvidence,
    WorkStream,
)
from ..workflow import ACTIVITY, OPEN_STATES
from .lights import (  # noqa: F401 (reports read with_light here)
    stored_for,
    with_light,
    with_stored_light,
)


def initiative_list_for_user(*, user) -> QuerySet[Initiative]:
    """Initiatives in which one of the user's parties takes part."""
    g = grants(user)
    if user.is_authenticated and user.is_superuser:
        return Initiative.objects.all()
    if not g.member_of:
        return Initiative.objects.none()
    return Initiative.objects.filter(
        pk__in=Initiative.objects.filter(participations__party__in=g.member_of).values(
            "pk"
        )
    )


def parties_of(initiatives: QuerySet[Initiative]) -> QuerySet[Party]:
    """The parties taking part in any of `initiatives` (a user-scoped queryset)."""
    return Party.objects.filter(participations__initiative__in=initiatives).distinct()


def work_streams_of(initiatives: QuerySet[Initiative]) -> QuerySet[WorkStream]:
    return (
        WorkStream.objects.filter(initiative__in=initiatives)
        .select_related("initiative")
        .order_by("initiative", "sort_order")
    )


def work_stream_label(streams: Iterable[WorkStream]) -> Callable[[WorkStream], str]:
    """How to name each of `streams` where they are listed together: by its
    name, or "initiative · name" once they span more than one initiative (two
    initiatives may each have a stream of the same name)."""
    if len({stream.initiative_id for stream in streams}) > 1:
        return lambda stream: f"{stream.initiative} · {stream.name}"
    return lambda stream: stream.name


# What ids in a request body may name (config.api.inputs.ScopedIdField): rows
# of the initiatives the user takes part in, and the parties they act for.


def party_list_for_user(*, user) -> QuerySet[Party]:
    return parties_of(initiative_list_for_user(user=user))


def work_stream_list_for_user(*, user) -> QuerySet[WorkStream]:
    return work_streams_of(initiative_list_for_user(user=user))


def agency_list_for_user(*, user) -> QuerySet[Agency]:
    visible = initiative_list_for_user(user=user)
    parties = Party.objects.filter(participations__initiative__in=visible)
    return Agency.objects.filter(party__in=parties).order_by(
        "party__sort_order", "name"
    )


def member_list_for_user(*, user) -> QuerySet[User]:
    """The people with an active membership of a party the user can see."""
    memberships = Membership.objects.filter(
        is_active=True, party__in=party_list_for_user(user=user)
    )
    return User.objects.filter(pk__in=memberships.values("user"))


def coordinated_party_list_for_user(*, user) -> QuerySet[Party]:
    """The parties the user acts for as a coordinator."""
    return Party.objects.filter(pk__in=grants(user).coordinator_of)


def get_visible(queryset: QuerySet, pk):
    """The row `pk` of a user-scoped queryset; what the user may not see and
    what does not exist are the same 404 (and so is a malformed id)."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _visible_tasks(user, tasks: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """`tasks` (all by default) of the initiatives the user takes part in."""
    tasks = Task.objects.all() if tasks is None else tasks
    return tasks.filter(initiative__in=initiative_list_for_user(user=user))


def owned_by(party_ids, task: str = "pk") -> Exists:
    """The row's task (`task` names it in the outer query) is owned by one of
    `party_ids`: EXISTS, not a join to the owners, so that no row comes twice
    and none needs DISTINCT."""
    return Exists(TaskOwner.objects.filter(task=OuterRef(task), party_id__in=party_ids))


# --- tasks -------------------------------------------------------------------------


# A task's owners in the order of their parties (Party.Meta.ordering); a
# task has one owner per party.
PARTY_ORDER = ("party__sort_order", "party__code")


def _owners_prefetch() -> Prefetch:
    return Prefetch(
        "owners",
        # In the parties' order (Party.Meta), as `owner_rows` gives them.
        queryset=TaskOwner.objects.select_related("party", "agency").order_by(
            *PARTY_ORDER
        ),
    )


def _approved_extensions() -> Coalesce:
    approved = (
        ExtensionRequest.objects.filter(
            task=OuterRef("pk"), status=ExtensionStatus.APPROVED
        )
        .order_by()
        .values("task")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(approved, output_field=IntegerField()), Value(0))


def _task_list(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return (
        tasks.select_related("work_stream", "lead_party", "initiative")
        .prefetch_related(_owners_prefetch())
        # A correlated subquery, not a join with GROUP BY: the paginator's COUNT
        # can then drop every annotation, and PostgreSQL computes them only for
        # the rows of the page.
        .annotate(
            extension_count=_approved_extensions(),
            # The stored forecast's flag (TaskForecast, house rule 14).
            slip_risk=Exists(
                TaskForecast.objects.filter(task=OuterRef("pk"), at_risk=True)
            ),
        )
        .order_by("work_stream__sort_order", "code")
    )


@functools.cache
def _stored_task_list() -> QuerySet[Task]:
    """The task list with the stored light, before the caller's scope: built
    once per process (its annotations cost more to build than a request's
    clone of it) and never evaluated itself, only filtered into clones."""
    return _task_list(with_stored_light(Task.objects.all(), joined=False))


def task_list_for_user(*, user, today: dt.date | None = None) -> QuerySet[Task]:
    if stored_for(today):
        tasks = _stored_task_list()
    else:  # the light as of another day, computed (with_stored_light)
        tasks = _task_list(with_stored_light(Task.objects.all(), today=today))
    return _visible_tasks(user, tasks)


def with_action_facts(qs: QuerySet[Task]) -> QuerySet[Task]:
    """Annotate what `tracker.permissions.available_actions` needs besides the
    task's owners, indicators and milestones: the open completion claim's party
    (`open_claim_party_id`) and the parties that decided on it
    (`open_claim_decided`), and the pending extension request
    (`pending_extension_id`), and the owner parties with a 催办 or reminder
    still to answer (`open_urge_parties`). In the row's own statement: no
    query more."""
    open_claims = CompletionClaim.objects.filter(
        task=OuterRef("pk"), status=ClaimStatus.OPEN
    )
    return qs.annotate(
        open_urge_parties=ArraySubquery(
            UrgeTarget.objects.filter(
                urge__task=OuterRef("pk"),
                urge__kind__in=ANSWERED_KINDS,
                answered_at__isnull=True,
            )
            .order_by()
            .values("party_id")
            .distinct()
        ),
        open_claim_party_id=Subquery(open_claims.values("party_id")[:1]),
        open_claim_decided=ArraySubquery(
            ClaimDecision.objects.filter(
                claim__task=OuterRef("pk"), claim__status=ClaimStatus.OPEN
            ).values("party_id")
        ),
        pending_extension_id=Subquery(
            ExtensionRequest.objects.filter(
                task=OuterRef("pk"), status=ExtensionStatus.PENDING
            ).values("pk")[:1]
        ),
    )


def _rows_prefetch(*, latest_reading: bool) -> tuple[Prefetch, Prefetch]:
    indicators = Indicator.objects.select_related("party")
    if latest_reading:
        indicators = _with_latest_reading(indicators)
    return (
        Prefetch(
            "milestones",
            queryset=Milestone.objects.select_related("party").order_by(
                "due_date", "sort_order", "id"
            ),
        ),
        Prefetch("indicators", queryset=indicators.order_by("sort_order", "id")),
    )


def task_get_for_user(*, user, pk, today: dt.date | None = None) -> Task:
    """One task with everything its detail shows, and what the user may do on
    it (`with_action_facts`); 404 when not visible."""
    return get_visible(
        with_action_facts(
            task_list_for_user(user=user, today=today)
            .select_related("forecast")
            .prefetch_related(*_rows_prefetch(latest_reading=True))
        ),
        pk,
    )


def task_for_action_for_user(*, user, pk) -> Task:
    """The task row with its owners, milestones and indicators and the facts
    of `with_action_facts`: what the action forms and `available_actions`
    need; 404 when not visible."""
    return get_visible(
        with_action_facts(
            _visible_tasks(user).prefetch_related(
                _owners_prefetch(), *_rows_prefetch(latest_reading=False)
            )
        ),
        pk,
    )


def task_visible_for_user(*, user, pk) -> Task:
    """The bare task row, for actions that need only its identity and version;
    404 when not visible."""
    return get_visible(_visible_tasks(user), pk)


def milestone_list_for_user(*, user) -> QuerySet[Milestone]:
    return (
        Milestone.objects.filter(task__in=_visible_tasks(user))
        .select_related("task", "party")
        .order_by("due_date", "sort_order", "id")
    )


def milestone_get_for_user(*, user, pk) -> Milestone:
    return get_visible(milestone_list_for_user(user=user), pk)


def _with_latest_reading(qs: QuerySet[Indicator]) -> QuerySet[Indicator]:
    latest = IndicatorReading.objects.filter(indicator=OuterRef("pk")).order_by(
        "-period"
    )
    return qs.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_period=Subquery(latest.values("period")[:1]),
        latest_qualifier=Subquery(latest.values("qualifier")[:1]),
    )


def indicator_list_for_user(*, user) -> QuerySet[Indicator]:
    return _with_latest_reading(
        Indicator.objects.filter(task__in=_visible_tasks(user)).select_related(
            "task", "party"
        )
    ).order_by("task__code", "sort_order", "id")


def indicator_get_for_user(*, user, pk) -> Indicator:
    return get_visible(indicator_list_for_user(user=user), pk)


def reading_list_for_user(*, user) -> QuerySet[IndicatorReading]:
    return (
        IndicatorReading.objects.filter(indicator__task__in=_visible_tasks(user))
        .select_related("indicator", "party", "reported_by")
        .order_by("-period", "-id")
    )


def reading_get_for_user(*, user, pk) -> IndicatorReading:
    return get_visible(reading_list_for_user(user=user), pk)


def progress_update_list_for_user(*, user) -> QuerySet[ProgressUpdate]:
    return (
        ProgressUpdate.objects.filter(task__in=_visible_tasks(user))
        .select_related("party", "author", "task")
        # Each update's evidence files, for the feed and the API, in one query.
        .prefetch_related(
            Prefetch("evidence_files", queryset=UpdateEvidence.objects.order_by("id"))
        )
        .order_by("-reported_at", "-id")
    )


def extension_request_list_for_user(*, user) -> QuerySet[ExtensionRequest]:
    return (
        ExtensionRequest.objects.filter(task__in=_visible_tasks(user))
        .select_related("task", "party", "requested_by", "decided_by")
        .order_by("-requested_at", "-id")
    )


def extension_request_get_for_user(*, user, pk) -> ExtensionRequest:
    return get_visible(extension_request_list_for_user(user=user), pk)


def owner_get_for_user(*, user, pk) -> TaskOwner:
    return get_visible(
        (
            TaskOwner.objects.filter(task__in=_visible_tasks(user)).select_related(
                "task", "party", "agency"
            )
        ),
        pk,
    )


def reporting_part_for_user(*, user, task: Task, party: Party | None) -> TaskOwner:
    """The part of `task` (its owner row) on which `user` reports progress:
    that of `party`, else of the one owner party they coordinate. Whoever
    coordinates none has no part to report on (403); one who coordinates
    several names the party (400)."""
    parties = coordinator_parties_for(user, task)
    if party is not None:
        chosen = party.pk
    elif len(parties) > 1:
        raise InvalidInput(
            field_errors={"party": [_("Choose the party you are acting for.")]}
        )
    else:
        chosen = next(iter(parties), None)
    if chosen is None or chosen not in parties:
        raise PermissionDenied()
    return TaskOwner.objects.get(task=task, party_id=chosen)


# --- home ----------------------------------------------------------------------------


def home_overview(*, user) -> list[dict]:
    """Per visible initiative: task totals by status, in one query per initiative list."""
    initiatives = initiative_list_for_user(user=user).prefetch_related("parties")
    counts = {
        row["initiative"]: row
        for row in Task.objects.filter(initiative__in=initiatives)
        .values("initiative")
        .annotate(
            total=Count("id"),
            completed=Count("id", filter=Q(status=TaskStatus.COMPLETED)),
            in_progress=Count("id", filter=Q(status=TaskStatus.IN_PROGRESS)),
            claimed=Count("id", filter=Q(status=TaskStatus.COMPLETION_CLAIMED)),
        )
    }
    empty = {"total": 0, "completed": 0, "in_progress": 0, "claimed": 0}
    return [
        {**counts.get(initiative.pk, empty), "initiative": initiative}
        for initiative in initiatives
    ]


def owner_list_for_user(*, user) -> QuerySet[TaskOwner]:
    return TaskOwner.objects.filter(task__in=_visible_tasks(user)).select_related(
        "task", "party", "agency"
    )


ATTENTION_DAYS = 14


ATTENTION_KINDS = (
    "awaiting_confirmation",
    "milestone_overdue",
    "milestone_due_soon",
    "extension_pending",
)


def _attention_sources(*, user, today: dt.date) -> dict[str, tuple]:
    """Each kind of what waits for the caller: (queryset in its order, how a
    row becomes an item)."""
    g = grants(user)
    sources: dict[str, tuple] = {}
    tasks = _visible_tasks(user)
    if g.coordinator_of:
        decided = CompletionClaim.objects.filter(
            pk=OuterRef("pk"), decisions__party__in=g.coordinator_of
        )
        owned = owned_by(g.coordinator_of, task="task_id")
        claims = (
            CompletionClaim.objects.filter(owned, status="open", task__in=tasks)
            .exclude(party__in=g.coordinator_of)
            .exclude(Exists(decided))
            .select_related("task")
            .order_by("-claimed_at", "-id")
        )
        sources["awaiting_confirmation"] = (
            claims,
            lambda c: _item(
                "awaiting_confirmation", c.task, c.pk, str(c.task.title), None
            ),
        )
        milestones = (
            Milestone.objects.filter(task__in=tasks.filter(status__in=OPEN_STATES))
            .filter(Q(party__in=g.coordinator_of) | Q(party__isnull=True))
            .filter(owned)
            .exclude(status=MilestoneStatus.DONE)
            .select_related("task")
            .order_by("due_date", "id")
        )
        for kind, dates in (
            ("milestone_overdue", Q(due_date__lt=today)),
            (
                "milestone_due_soon",
                Q(due_date__gte=today)
                & Q(due_date__lte=today + dt.timedelta(days=ATTENTION_DAYS)),
            ),
        ):
            sources[kind] = (
                milestones.filter(dates),
                lambda m, kind=kind: _item(kind, m.task, m.pk, m.title, m.due_date),
            )
    if g.administrator:
        # A request on a closed task stays pending on record but cannot be
        # decided until the task is reopened, so it waits for no one.
        pending = extension_request_list_for_user(user=user).filter(
            status=ExtensionStatus.PENDING,
            task__status__in=ACTIVITY["decide_extension"].states,
        )
        sources["extension_pending"] = (
            pending,
            lambda e: _item(
                "extension_pending",
                e.task,
                e.pk,
                str(e.requested_due_date),
                e.requested_due_date,
            ),
        )
    return {kind: sources[kind] for kind in ATTENTION_KINDS if kind in sources}


class AttentionList(Sequence):
    """What waits for the caller, kind after kind, read a slice at a time:
    its length is the sum of one COUNT per kind, and a slice reads only the
    rows it holds, so a page costs the same however much waits."""

    def __init__(self, sources: dict[str, tuple]):
        self.sources = sources

    @cached_property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ATTENTION_KINDS, 0)
        counts.update({kind: qs.count() for kind, (qs, _) in self.sources.items()})
        return counts

    def __len__(self) -> int:
        return sum(self.counts.values())

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        items: list[dict] = []
        offset = 0
        for kind, (qs, build) in self.sources.items():
            count = self.counts[kind]
            lo = min(max(start - offset, 0), count)
            hi = max(min(stop - offset, count), lo)
            # One statement per kind wherever the page falls (at least one
            # row asked for), so that a page's cost is the same on every page.
            rows = list(qs[lo : max(hi, lo + 1)])[: hi - lo]
            items += [build(row) for row in rows]
            offset += count
        return items

    def first(self, n: int) -> dict[str, list[dict]]:
        """The first `n` of each kind, by kind."""
        return {
            kind: [build(row) for row in qs[:n]]
            for kind, (qs, build) in self.sources.items()
        }


def attention_list_for_user(*, user, today: dt.date) -> AttentionList:
    """What waits for the caller: claims their party must confirm, their
    party's milestones overdue or due within two weeks, and (for the joint
    office) extension requests awaiting decision; counted and sliced in SQL."""
    return AttentionList(_attention_sources(user=user, today=today))


def attention_for_user(*, user, today: dt.date) -> list[dict]:
    """All of `attention_list_for_user` at once (for the few who need the
    whole of it; lists page it)."""
    return [
        build(row)
        for qs, build in _attention_sources(user=user, today=today).values()
        for row in qs
    ]


def _item(kind, task, object_id, title, due_date) -> dict:
    return {
        "kind": kind,
        "task": task.pk,
        "task_code": task.code,
        "task_title": task.title,
        "title": title,
        "due_date": due_date,
        "object_id": object_id,
    }
