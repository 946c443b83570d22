"""Every read used by a view, report or task, scoped to the requesting user."""

from django.db.models import Count, Q, QuerySet

from .choices import TaskStatus
from .models import Initiative, Task


def initiative_list_for_user(*, user) -> QuerySet[Initiative]:
    """Initiatives in which one of the user's parties takes part."""
    if not user.is_authenticated:
        return Initiative.objects.none()
    if user.is_superuser:
        return Initiative.objects.all()
    return Initiative.objects.filter(
        participations__party__memberships__user=user,
        participations__party__memberships__is_active=True,
    ).distinct()


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
