"""Reads of circle-wide indicators (全域指标): everyone who sees an initiative
sees its circle-wide figures."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from ..models import InitiativeIndicator, InitiativeIndicatorReading


def _visible_initiatives(user):
    from . import initiative_list_for_user

    return initiative_list_for_user(user=user)


def initiative_indicator_list_for_user(
    *, user, initiative=None
) -> QuerySet[InitiativeIndicator]:
    """The circle-wide indicators of the initiatives `user` sees, each with
    its latest reading annotated (value, period, qualifier, note) and all its
    readings prefetched, newest first: two queries for any number."""
    latest = InitiativeIndicatorReading.objects.filter(
        indicator=OuterRef("pk")
    ).order_by("-period")
    qs = InitiativeIndicator.objects.filter(initiative__in=_visible_initiatives(user))
    if initiative is not None:
        qs = qs.filter(initiative=initiative)
    return (
        qs.select_related("initiative")
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_period=Subquery(latest.values("period")[:1]),
            latest_qualifier=Subquery(latest.values("qualifier")[:1]),
            latest_note=Subquery(latest.values("note")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "readings",
                queryset=InitiativeIndicatorReading.objects.select_related(
                    "reported_by"
                ).order_by("-period", "-id"),
            )
        )
        .order_by("initiative__code", "sort_order", "id")
    )


def initiative_indicator_get_for_user(*, user, pk) -> InitiativeIndicator:
    from . import get_visible

    return get_visible(initiative_indicator_list_for_user(user=user), pk)


def circle_indicators(*, user) -> list[InitiativeIndicator]:
    """The overview's circle-wide figures: each indicator with its latest
    value as stated (``stated``: "3752家", "超过6500亿元"), one query."""
    from ..figures import figure_text

    rows = list(initiative_indicator_list_for_user(user=user).prefetch_related(None))
    for row in rows:
        row.stated = (
            figure_text(row.latest_value, row.unit, row.latest_qualifier)
            if row.latest_value is not None
            else ""
        )
    return rows
