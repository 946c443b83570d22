"""Reads of the task detail page: everything one task shows, its change history
from the audit trail, and what changed since a version a user last read.

Every function takes the requesting user and starts from a task or milestone
fetched through the user-scoped selectors, so what the user may not see is a
404 here too. The detail costs a fixed number of queries however many
milestones, readings or updates the task has; the history one per event table
plus the few that name the related objects and actors."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import history as audit_history
from audit.attribution import attribute
from charts.formatting import plain_number

from ..choices import ClaimStatus, ExtensionStatus, MilestoneStatus, TaskStatus
from ..figures import figure_text
from ..models import (
    ClaimDecision,
    CompletionClaim,
    ExtensionRequest,
    Indicator,
    IndicatorReading,
    LightOverride,
    Milestone,
    ProgressUpdate,
    Task,
    TaskOwner,
    UpdateEvidence,
)
from ..workflow import OPEN_STATES
from . import (
    extension_request_list_for_user,
    get_visible,
    indicator_list_for_user,
    milestone_list_for_user,
    progress_update_list_for_user,
    reading_list_for_user,
    task_get_for_user,
    task_list_for_user,
    task_visible_for_user,
)

HISTORY_PAGE_SIZE = 30
# Bookkeeping columns every write moves; they say nothing to a reader.
QUIET_FIELDS = frozenset({"id", "version", "updated_at", "task"})
SENTENCE_QUIET_FIELDS = frozenset({"completed_at", "closed_at", "sort_order"})


# --- the detail --------------------------------------------------------------------


@dataclass
class TaskDetail:
    task: Task
    timeline: list[Milestone]
    indicators: list[Indicator]
    feed: list[ProgressUpdate]
    extensions: list[ExtensionRequest]
    claims: list[CompletionClaim]

    @property
    def open_claim(self) -> CompletionClaim | None:
        return next((c for c in self.claims if c.status == ClaimStatus.OPEN), None)

    @property
    def pending_extension(self) -> ExtensionRequest | None:
        return next(
            (e for e in self.extensions if e.status == ExtensionStatus.PENDING), None
        )

    @property
    def milestones(self) -> list[Milestone]:
        """Every milestone, joint ones and their parts, in timeline order."""
        return [m for top in self.timeline for m in (top, *top.part_list)]


def _timeline(
    milestones: list[Milestone], today: dt.date, *, task_status: str | None = None
) -> list[Milestone]:
    """Joint and single-party milestones by due date, each joint one carrying
    its parties' parts (`part_list`).

    Only an open task's milestones can be late or due soon: on a completed
    task the open ones are shown as closed with it (`closed_with_task`, the
    rows stay as they were: the record of what was done is not rewritten), and
    a suspended or cancelled task's are not chased."""
    soon = today + dt.timedelta(days=settings.TRACKER_AMBER_WINDOW_DAYS)
    tracked = task_status is None or task_status in OPEN_STATES
    closed = task_status == TaskStatus.COMPLETED
    parts: dict[int, list[Milestone]] = defaultdict(list)
    top = []
    for milestone in milestones:
        done = milestone.is_done = milestone.status == MilestoneStatus.DONE
        milestone.closed_with_task = closed and not done
        milestone.is_overdue = tracked and not done and milestone.due_date < today
        milestone.is_due_soon = (
            tracked and not done and today <= milestone.due_date <= soon
        )
        milestone.part_list = []
        if milestone.parent_id:
            parts[milestone.parent_id].append(milestone)
        else:
            top.append(milestone)
    for milestone in top:
        milestone.part_list = sorted(
            parts.pop(milestone.pk, []),
            key=lambda m: (m.due_date, m.party.sort_order if m.party else 0, m.pk),
        )
    # A part whose joint milestone is missing still shows, on its own.
    top += [m for orphans in parts.values() for m in orphans]
    return sorted(top, key=lambda m: (m.due_date, m.sort_order, m.pk))


def _meter(indicator: Indicator) -> None:
    """Bounds of the target-vs-actual bar: 0 to the larger of target and actual
    for "higher is better"; for "lower is better" up to the baseline (or the
    larger value) with the optimum at zero."""
    target, actual = indicator.target, indicator.latest_value
    indicator.meter = None
    if target is None or actual is None:
        return
    values = [v for v in (target, actual, indicator.baseline) if v is not None]
    top = max(values)
    if top <= 0:
        return
    indicator.meter = {
        "max": top,
        "value": min(max(actual, 0), top),
        "lower_is_better": indicator.direction == "lower",
        "target": target,
        "met": actual <= target if indicator.direction == "lower" else actual >= target,
    }


def task_detail_for_user(*, user, pk, today: dt.date | None = None) -> TaskDetail:
    """One task with its owners, milestone timeline, indicators, progress feed
    (each update with the readings reported with it), extension requests and
    completion claims. 404 when the user may not see the task."""
    today = today or timezone.localdate()
    task = task_get_for_user(user=user, pk=pk, today=today)
    indicators = list(task.indicators.all())
    for indicator in indicators:
        indicator.target_text = plain_number(indicator.target)
        indicator.actual_text = (
            figure_text(indicator.latest_value, "", indicator.latest_qualifier)
            if indicator.latest_value is not None
            else None
        )
        _meter(indicator)
    readings = list(
        reading_list_for_user(user=user)
        .filter(indicator__task=task)
        .order_by("-reported_at", "-id")
    )
    per_indicator: dict[int, list[IndicatorReading]] = defaultdict(list)
    for reading in readings:
        reading.value_text = figure_text(reading.value, "", reading.qualifier)
        per_indicator[reading.indicator_id].append(reading)
    for indicator in indicators:
        indicator.reading_list = per_indicator.get(indicator.pk, [])
    feed = list(progress_update_list_for_user(user=user).filter(task=task))
    # A reading belongs to the update it was reported with: the web form writes
    # both in one transaction with the same author and time.
    by_moment: dict[tuple[int, dt.datetime], list[IndicatorReading]] = defaultdict(list)
    for reading in readings:
        by_moment[reading.reported_by_id, reading.reported_at].append(reading)
    for update in feed:
        update.reading_list = by_moment.get((update.author_id, update.reported_at), [])
    return TaskDetail(
        task=task,
        timeline=_timeline(list(task.milestones.all()), today, task_status=task.status),
        indicators=indicators,
        feed=feed,
        extensions=list(extension_request_list_for_user(user=user).filter(task=task)),
        claims=completion_claims_of(task),
    )


def task_header_for_user(*, user, pk, today: dt.date | None = None) -> Task:
    """The task with its light and classification, without its rows (the
    heading of the history tab); 404 when not visible."""
    return get_visible(task_list_for_user(user=user, today=today), pk)


def completion_claims_of(task: Task) -> list[CompletionClaim]:
    """The claims of a task the caller already fetched through a user-scoped
    selector, newest first, with their confirmations and rejections."""
    return list(
        CompletionClaim.objects.filter(task=task)
        .select_related("party", "claimed_by")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=ClaimDecision.objects.select_related(
                    "party", "decided_by"
                ).order_by("decided_at", "id"),
            )
        )
        .order_by("-claimed_at", "-id")
    )


def indicator_for_action_for_user(*, user, pk) -> Indicator:
    """An indicator with its task and the task's owners; 404 when not visible."""
    return get_visible(
        indicator_list_for_user(user=user).prefetch_related(
            Prefetch(
                "task__owners",
                queryset=TaskOwner.objects.select_related("party"),
            )
        ),
        pk,
    )


def milestone_for_action_for_user(*, user, pk) -> Milestone:
    """A milestone with its task, the task's owners and the joint milestone it
    is part of; 404 when not visible."""
    return get_visible(
        milestone_list_for_user(user=user)
        .select_related("parent", "task__initiative")
        .prefetch_related(
            Prefetch(
                "task__owners",
                queryset=TaskOwner.objects.select_related("party"),
            )
        ),
        pk,
    )


# --- history from the audit trail --------------------------------------------------


def _family_sources(task_pk: int) -> list[tuple[type[models.Model], dict[str, Any]]]:
    """The event tables of a task and of the rows that belong to it, each with
    the lookup that finds this task's events (deleted rows included)."""
    events = audit_history.event_models_by_tracked()

    def first(model):
        return events[model][0]

    indicator_ids = (
        first(Indicator).objects.filter(task_id=task_pk).values("pgh_obj_id")
    )
    claim_ids = (
        first(CompletionClaim).objects.filter(task_id=task_pk).values("pgh_obj_id")
    )
    update_ids = (
        first(ProgressUpdate).objects.filter(task_id=task_pk).values("pgh_obj_id")
    )
    children = (TaskOwner, Milestone, Indicator, ProgressUpdate)
    children += (CompletionClaim, ExtensionRequest, LightOverride)
    return [
        (first(Task), {"pgh_obj_id": task_pk}),
        *((first(model), {"task_id": task_pk}) for model in children),
        (first(IndicatorReading), {"indicator_id__in": indicator_ids}),
        (first(ClaimDecision), {"claim_id__in": claim_ids}),
        (first(UpdateEvidence), {"update_id__in": update_ids}),
        # The 督办 ledger on the item: urges, reminders, notices and answers.
        *audit_history.child_sources(Task, task_pk),
    ]


def _entries(
    sources: list[tuple[type[models.Model], dict[str, Any]]],
    *,
    keep_bumps: bool = False,
) -> list[audit_history.HistoryEntry]:
    """Every event of the sources, oldest first, each with what it changed
    against the previous event of the same row (as the admin's per-object
    history computes it), bookkeeping columns left out. Events that changed
    nothing else (a version bump) are dropped unless `keep_bumps`."""
    entries = audit_history.entries_from_sources(
        sources, ignore=QUIET_FIELDS, keep_bumps=keep_bumps
    )
    for entry in entries:
        entry.is_task = entry.model is Task
        entry.object_name = (
            ""
            if entry.is_task
            else audit_history.object_label(
                entry.model, entry.values, entry.event.pgh_obj_id, with_code=False
            )
        )
    return entries


def actor_label(user) -> str:
    """ "重庆市协调员 cq_coord": the actor's parties and roles, then who they are."""
    if user is None:
        return _("the system (no user recorded)")
    roles = []
    for membership in user.memberships.all():
        if membership.is_active:
            text = _("%(party)s %(role)s") % {
                "party": membership.party.name,
                "role": membership.get_role_display(),
            }
            if text not in roles:
                roles.append(text)
    name = f"{user.full_name}（{user.username}）" if user.full_name else user.username
    return f"{'、'.join(roles)} {name}" if roles else name


def _word(entries: list[audit_history.HistoryEntry]) -> None:
    audit_history.describe(entries)
    for entry in entries:
        # As the auditors' admin reads it: a change made straight in the
        # database is no one's in the service; a context the service did not
        # sign names its actor only with a warning.
        written = attribute(entry.event.pgh_context, entry.event.pgh_session)
        entry.actor_label = (
            written.label if written.direct else actor_label(entry.actor)
        )
        entry.actor_warning = written.warning
        entry.when = entry.event.pgh_created_at
        entry.reason = (entry.event.pgh_context or {}).get("reason") or ""
        entry.sentence = change_sentence(entry)


def task_history_for_user(*, user, task: Task, page: Any = None) -> Page:
    """The task's change history, newest first, a page at a time: the task row
    and every row that belongs to it (owners, milestones, indicators and their
    readings, progress updates, claims and decisions, extension requests, light
    overrides, urges and their answers). `task` comes from a user-scoped
    selector."""
    entries = _entries(_family_sources(task.pk))
    entries.reverse()
    result = Paginator(entries, HISTORY_PAGE_SIZE).get_page(page)
    _word(result.object_list)
    return result


# --- what changed since a version ----------------------------------------------------


@dataclass
class ChangesSince:
    entries: list[audit_history.HistoryEntry]
    current_version: int
    # For a party's progress form: the party's part (TaskOwner) as it is now.
    part: TaskOwner | None = None

    @property
    def latest(self) -> audit_history.HistoryEntry | None:
        return self.entries[0] if self.entries else None

    @property
    def summary(self) -> str:
        """ "重庆市协调员 cq_coord 于 11:02 将状态改为 已完成"."""
        entry = self.latest
        return entry.sentence if entry else ""


def change_sentence(entry: audit_history.HistoryEntry) -> str:
    when = timezone.localtime(entry.when)
    time = when.strftime(
        "%H:%M" if when.date() == timezone.localdate() else "%Y-%m-%d %H:%M"
    )
    record = entry.record_type
    # A row without a name is known by its id only ("#1"): say what it was
    # rather than quote the id.
    what = (
        _("%(record)s “%(name)s”") % {"record": record, "name": entry.object_name}
        if entry.object_name and not entry.object_name.startswith("#")
        else record
    )
    if entry.action == "insert":
        return _("%(who)s added %(what)s at %(time)s") % {
            "who": entry.actor_label,
            "what": what,
            "time": time,
        }
    if entry.action == "delete":
        return _("%(who)s deleted %(what)s at %(time)s") % {
            "who": entry.actor_label,
            "what": what,
            "time": time,
        }
    # Consequences of a change (a completion time following the status) make a
    # sentence longer, not clearer; the history lists them.
    changes = [
        c
        for (f, _old, _new), c in zip(entry.raw_changes, entry.changes, strict=True)
        if f.name not in SENTENCE_QUIET_FIELDS
    ] or entry.changes
    if entry.is_task:
        parts = [
            _("%(field)s to %(value)s") % {"field": c.label, "value": c.new}
            for c in changes
        ]
    elif not entry.object_name or entry.object_name.startswith("#"):
        parts = [
            _("%(field)s of the %(record)s to %(value)s")
            % {"field": c.label, "record": record, "value": c.new}
            for c in changes
        ]
    else:
        parts = [
            _("%(field)s of %(record)s “%(name)s” to %(value)s")
            % {
                "field": c.label,
                "record": record,
                "name": entry.object_name,
                "value": c.new,
            }
            for c in changes
        ]
    return _("%(who)s changed %(changes)s at %(time)s") % {
        "who": entry.actor_label,
        "changes": "、".join(parts),
        "time": time,
    }


def _since(entries, version: int) -> list:
    """The entries written after the row was at `version`, newest first: the
    events of every request that moved the task's version past it (each writes
    the task's next version in the same request context), and the task's own
    later versions written outside any request."""
    later = [e for e in entries if e.is_task and e.event.version > version]
    contexts = {e.event.pgh_context_id for e in later} - {None}
    found = [
        e
        for e in entries
        if e.event.pgh_context_id in contexts
        or (e.is_task and e.event.version > version)
    ]
    found.reverse()
    return found


def task_changes_since_for_user(*, user, pk, version: int) -> ChangesSince:
    """What happened to a task (and its rows) after the user read `version`:
    the changes that moved its version on, newest first, worded."""
    task = task_visible_for_user(user=user, pk=pk)
    entries = _since(_entries(_family_sources(task.pk), keep_bumps=True), version)
    entries = [e for e in entries if e.raw_changes][:10]
    _word(entries)
    return ChangesSince(entries=entries, current_version=task.version)


def part_changes_since_for_user(
    *, user, task_pk: int, party: int | None, version: int
) -> ChangesSince:
    """What another clerk of the same party changed on its part of the task
    (its progress and narrative) after the user read `version` of the part."""
    task = task_visible_for_user(user=user, pk=task_pk)
    part = (
        TaskOwner.objects.filter(task=task, party_id=party)
        .select_related("party")
        .get()
    )
    event_model = audit_history.event_models_by_tracked()[TaskOwner][0]
    entries = [
        e
        for e in _entries([(event_model, {"pgh_obj_id": part.pk})])
        if e.event.version > version
    ]
    entries = entries[::-1][:10]
    _word(entries)
    return ChangesSince(entries=entries, current_version=part.version, part=part)


def milestone_changes_since_for_user(*, user, pk, version: int) -> ChangesSince:
    milestone = get_visible(milestone_list_for_user(user=user), pk)
    event_model = audit_history.event_models_by_tracked()[Milestone][0]
    entries = [
        e
        for e in _entries([(event_model, {"pgh_obj_id": milestone.pk})])
        if e.event.version > version
    ]
    entries = entries[::-1][:10]
    _word(entries)
    return ChangesSince(entries=entries, current_version=milestone.version)
