"""Web pages: the home page of each role and the leadership overview (see
tracker/urls.py). Plumbing only: the selectors read, scoped to the user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.permissions import grants
from charts import tasks as charts
from charts.formatting import format_range, format_short_date
from reports.selectors import latest_reports_for_user, weekly_trend_for_user

from .. import selectors
from ..choices import Light
from ..selectors import dashboards as dash
from ..selectors.initiative_indicators import circle_indicators

# Each list of the home page shows this many, with the full count and a
# link to all of them: the page's size does not grow with the data.
OWNED_ON_HOME = 10
OVERDUE_ON_HOME = 10
ATTENTION_ON_HOME = 10
REPORTS_ON_HOME = 5
REPORTS_ON_OVERVIEW = 8


def _attention(user, today) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """The first few of each kind `attention_list_for_user` holds, each with
    its days left or late, and how many of each kind there are."""
    attention = selectors.attention_list_for_user(user=user, today=today)
    groups: dict[str, list[dict]] = {kind: [] for kind in selectors.ATTENTION_KINDS}
    groups.update(attention.first(ATTENTION_ON_HOME))
    for items in groups.values():
        for item in items:
            due = item.get("due_date")
            if due is not None:
                item["days"] = abs((due - today).days)
    return groups, attention.counts


def _task_list_url(parties, **query) -> str:
    """The task list filtered to the user's party (when they act for one)."""
    if len(parties) == 1:
        query = {"party": parties[0].pk, **query}
    return f"{reverse('tracker:task_list')}?{urlencode(query)}"


def _coordinator_home(request, today):
    user = request.user
    my_parties = dash.coordinated_parties_for_user(user=user)
    owned = dash.coordinated_tasks_for_user(user=user, today=today)
    owned_counts = dash.light_counts(owned)
    attention, attention_counts = _attention(user, today)
    overdue_tasks = dash.coordinated_overdue_for_user(user=user, today=today)
    overdue = list(overdue_tasks[:OVERDUE_ON_HOME])
    # Counted always, so the page's queries are the same however many there are.
    overdue_total = overdue_tasks.count()
    return render(
        request,
        "tracker/home.html",
        {
            "view": "coordinator",
            "owned": list(owned[:OWNED_ON_HOME]),
            "owned_counts": owned_counts,
            "owned_cut": owned_counts["total"] > OWNED_ON_HOME,
            "overdue_tasks": overdue,
            "overdue_total": overdue_total,
            "overdue_count": overdue_total + attention_counts["milestone_overdue"],
            "attention": attention,
            "attention_counts": attention_counts,
            "recent_updates": dash.recent_updates_by_user(user=user),
            "my_parties": my_parties,
            # Where each capped list continues in full.
            "more": {
                "claimed": _task_list_url(my_parties, status="completion_claimed"),
                "due_soon": _task_list_url(my_parties, sort="next_due"),
                "overdue": _task_list_url(my_parties, sort="days_overdue"),
            },
            "today": today,
        },
    )


def _summary_home(request, today):
    user = request.user
    attention, attention_counts = _attention(user, today)
    return render(
        request,
        "tracker/home.html",
        {
            "view": "summary",
            "overview": selectors.home_overview(user=user),
            "counts": dash.visible_light_counts_for_user(user=user, today=today),
            "attention": attention,
            "attention_counts": attention_counts,
            "reports": latest_reports_for_user(user=user, limit=REPORTS_ON_HOME),
            "is_member": grants(user).is_member,
            "today": today,
        },
    )


@login_required
@require_GET
def home(request):
    """Coordinators see their party's work; everyone else a summary with the
    way to the leadership overview."""
    today = timezone.localdate()
    if grants(request.user).coordinator_of:
        return _coordinator_home(request, today)
    return _summary_home(request, today)


def _embed(svg: str):
    """A chart for the page: the chart helpers escape every text they draw
    (names included), so their SVG is safe to embed as it is."""
    return mark_safe(svg)  # noqa: S308


def _rows(groups: list[dict]) -> list[tuple[str, dict]]:
    return [(group["name"], group["by_light"]) for group in groups]


def _trend_chart(series: dict) -> str:
    """The weekly reports of one initiative; each initiative's chart has its
    own element ids."""
    points = [
        charts.TrendPoint(
            label=format_short_date(point["period_end"]),
            period=format_range(point["period_start"], point["period_end"]),
            completion_rate=point["completion_rate"],
            overdue=point["overdue"],
        )
        for point in series["points"]
    ]
    return charts.completion_trend(
        points=points,
        title=_("Weekly trend"),
        ident=f"chart-trend-{series['initiative_id']}",
    )


@login_required
@require_GET
def overview(request):
    user = request.user
    today = timezone.localdate()
    breakdown = dash.breakdown_for_user(user=user, today=today)
    trend = weekly_trend_for_user(user=user)
    for series in trend:
        series["chart"] = _embed(_trend_chart(series))
    stream_chart = party_chart = ""
    if breakdown["summary"]["total"]:
        stream_chart = _embed(
            charts.bars(
                charts.LIGHTS_BY_WORK_STREAM, _rows(breakdown["by_work_stream"])
            )
        )
        party_chart = _embed(
            charts.bars(charts.LIGHTS_BY_PARTY, _rows(breakdown["by_party"]))
        )
    return render(
        request,
        "tracker/overview.html",
        {
            "breakdown": breakdown,
            "summary": breakdown["summary"],
            "stream_chart": stream_chart,
            "party_chart": party_chart,
            "light_codes": Light.values,
            "trend": trend,
            "most_overdue": dash.most_overdue_for_user(user=user, today=today),
            "circle_indicators": circle_indicators(user=user),
            "reports": latest_reports_for_user(user=user, limit=REPORTS_ON_OVERVIEW),
            "is_member": grants(user).is_member,
            "today": today,
        },
    )


urlpatterns: list = [
    path("overview/", overview, name="overview"),
]
