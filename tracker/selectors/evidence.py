"""Reads of progress updates' evidence files, scoped to the requesting user:
a file attached to an update is anyone's who may see its task; an upload not
attached yet is its uploader's alone."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import UpdateEvidence
from ..services.evidence import upload_ttl
from . import _visible_tasks, get_visible


def evidence_list_for_user(*, user) -> QuerySet[UpdateEvidence]:
    if not user.is_authenticated:
        return UpdateEvidence.objects.none()
    return UpdateEvidence.objects.filter(
        Q(update__task__in=_visible_tasks(user))
        | Q(update__isnull=True, uploaded_by=user)
    ).order_by("-id")


def evidence_get_for_user(*, user, pk) -> UpdateEvidence:
    """One file to download; 404 for what the user may not see."""
    return get_visible(evidence_list_for_user(user=user), pk)


def pending_upload_list_for_user(*, user) -> QuerySet[UpdateEvidence]:
    """The user's own uploads that no update has named yet and that have not
    expired: the only ones a progress update of theirs may name."""
    if not user.is_authenticated:
        return UpdateEvidence.objects.none()
    return UpdateEvidence.objects.filter(
        update__isnull=True,
        uploaded_by=user,
        uploaded_at__gte=timezone.now() - upload_ttl(),
    ).order_by("id")
