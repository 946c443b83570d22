"""The demo's dependencies between items (前置事项): where one item of the
article's list cannot finish before another does, across parties and work
streams. Loaded after the items, through the service, so that a blocker
already late opens its alert and turns its dependent amber as it would."""

from __future__ import annotations

from django.db.models import Q

from .. import services
from ..models import Milestone, Task, TaskDependency

# (dependent code, its milestone or None, blocker code, its milestone or None, note)
DEPENDENCIES = [
    (
        "SZ-02",
        "IPv6规模部署和应用成效评估",
        "NY-01",
        "线路工程全线架线贯通",
        "数据中心和根服务器节点机房双路供电依托特高压线路贯通",
    ),
    (
        "SZ-03",
        "平台在四川重点产业链推广应用",
        "NY-02",
        "四川页岩气年度新建产能项目开工",
        "页岩气田新建产能项目作为工业互联网平台推广应用场景",
    ),
    ("JQ-05", None, "SZ-02", None, "车路云一体化应用依托IPv6网络和根服务器"),
    (
        "JQ-07",
        None,
        "JQ-05",
        "测试标准统一和跨域互信互认",
        "联合申报以车路云一体化试点成效为支撑",
    ),
]


def _milestone(task: Task, title: str | None) -> Milestone | None:
    if title is None:
        return None
    return task.milestones.get(title=title, parent__isnull=True)


def load_dependencies(*, initiative, office) -> int:
    """Record whatever of DEPENDENCIES is missing; returns how many."""
    tasks = {t.code: t for t in Task.objects.filter(initiative=initiative)}
    created = 0
    for code, milestone, blocker_code, blocker_milestone, note in DEPENDENCIES:
        task, blocker = tasks[code], tasks[blocker_code]
        m, bm = _milestone(task, milestone), _milestone(blocker, blocker_milestone)
        exists = TaskDependency.objects.filter(
            Q(milestone=m) if m else Q(milestone__isnull=True),
            Q(blocker_milestone=bm) if bm else Q(blocker_milestone__isnull=True),
            task=task,
            blocker_task=blocker,
        ).exists()
        if exists:
            continue
        services.dependency_add(
            task=task,
            actor=office,
            blocker_task=blocker,
            milestone=m,
            blocker_milestone=bm,
            note=note,
        )
        created += 1
    return created
