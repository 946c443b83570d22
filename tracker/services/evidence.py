"""Evidence files of progress updates: uploaded with the update, or ahead of it
through the API (an upload that belongs to its uploader until an update names
it), checked as every evidence attachment is (config/api/uploads.py), and
swept away when left unattached."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import grants
from config.api.uploads import KINDS, validate_evidence
from config.exceptions import InvalidInput, PermissionDenied
from config.validation import validated_save

from ..models import ProgressUpdate, UpdateEvidence

DEFAULT_MAX_FILES = 10
DEFAULT_UPLOAD_TTL_HOURS = 24


def max_files() -> int:
    """At most this many files on one update (uploaded with it or ahead)."""
    return getattr(settings, "EVIDENCE_MAX_FILES_PER_UPDATE", DEFAULT_MAX_FILES)


def upload_ttl() -> dt.timedelta:
    """An upload no update has named within this time is swept away."""
    hours = getattr(settings, "EVIDENCE_UPLOAD_TTL_HOURS", DEFAULT_UPLOAD_TTL_HOURS)
    return dt.timedelta(hours=hours)


@dataclass(frozen=True)
class EvidenceSpec:
    """The files a progress update comes with: sent with it (`files`), and
    uploaded ahead by the same user (`uploads`, from a scoped selector)."""

    files: Sequence[UploadedFile] = ()
    uploads: Sequence[UpdateEvidence] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.files or self.uploads)


def evidence_kinds(files: Iterable[UploadedFile]) -> list[str]:
    """Check each file as every evidence attachment is checked; return their
    kinds. A refusal names the file, so that of several the user knows which
    one to replace; every bad file is named, not only the first."""
    kinds, errors = [], []
    for uploaded in files:
        try:
            kinds.append(validate_evidence(uploaded))
        except ValidationError as exc:
            errors += [
                ValidationError(
                    _("%(name)s: %(error)s"),
                    code=exc.code,
                    params={"name": uploaded.name, "error": message},
                )
                for message in exc.messages
            ]
    if errors:
        raise ValidationError(errors)
    return kinds


def _count_error(count: int) -> InvalidInput | None:
    if count <= max_files():
        return None
    return InvalidInput(
        _("At most %(count)d files can be attached to one progress update.")
        % {"count": max_files()}
    )


def _row(uploaded: UploadedFile, kind: str, actor: User, **extra) -> UpdateEvidence:
    return validated_save(
        UpdateEvidence(
            file=uploaded,
            # The name as the user's computer called it, path parts removed.
            name=(uploaded.name or "").replace("\\", "/").rsplit("/", 1)[-1][:255],
            size=uploaded.size,
            content_type=KINDS[kind][1],
            uploaded_by=actor,
            **extra,
        )
    )


def _delete_files_on_commit(names: list[str]) -> None:
    """A row's file leaves storage only once the row's deletion is committed."""
    from django.core.files.storage import default_storage

    def delete():
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def evidence_upload(*, actor: User, file: UploadedFile) -> UpdateEvidence:
    """A coordinator uploads a file ahead of the progress update it is for
    (large files, slow connections): it is theirs alone, unattached, until an
    update of theirs names it, and swept away after `upload_ttl()`."""
    if not grants(actor).coordinator_of:
        raise PermissionDenied(_("Only coordinators upload evidence for updates."))
    try:
        (kind,) = evidence_kinds([file])
    except ValidationError as exc:
        raise InvalidInput(field_errors={"file": exc.messages}) from exc
    return _row(file, kind, actor)


def evidence_attach(
    *, update: ProgressUpdate, actor: User, evidence: EvidenceSpec | None
) -> list[UpdateEvidence]:
    """Attach `evidence` to the just written `update`, inside the caller's
    transaction (progress_update_post): all files or, with any refused, none
    and no update either. Returns the update's files."""
    if not evidence:
        return []
    error = _count_error(len(evidence.files) + len(evidence.uploads))
    if error is not None:
        raise error
    try:
        kinds = evidence_kinds(evidence.files)
    except ValidationError as exc:
        raise InvalidInput(field_errors={"evidence_files": exc.messages}) from exc
    now = update.reported_at
    upload_ids = [upload.pk for upload in evidence.uploads]
    # Locked, and asked again under the lock: an upload is attached once,
    # by its uploader, before it expires.
    uploads = list(
        UpdateEvidence.objects.select_for_update()
        .filter(
            pk__in=upload_ids,
            uploaded_by=actor,
            update_id__isnull=True,
            uploaded_at__gte=timezone.now() - upload_ttl(),
        )
        .order_by("id")
    )
    if len(uploads) != len(set(upload_ids)):
        raise InvalidInput(
            field_errors={
                "evidence_ids": [
                    _("Name only your own uploads that no update has used yet.")
                ]
            }
        )
    for upload in uploads:
        upload.update = update
        upload.attached_at = now
        upload.save(update_fields=["update", "attached_at"])
    created = [
        _row(uploaded, kind, actor, update=update, uploaded_at=now, attached_at=now)
        for uploaded, kind in zip(evidence.files, kinds, strict=True)
    ]
    return [*uploads, *created]


@transaction.atomic
def evidence_sweep(*, now: dt.datetime | None = None) -> int:
    """Delete uploads no update named within `upload_ttl()`, and their files
    once that is committed. Returns how many; safe to run twice or at once."""
    cutoff = (now or timezone.now()) - upload_ttl()
    stale = list(
        UpdateEvidence.objects.select_for_update(skip_locked=True)
        .filter(update_id__isnull=True, uploaded_at__lt=cutoff)
        .order_by("id")
    )
    if not stale:
        return 0
    UpdateEvidence.objects.filter(pk__in=[row.pk for row in stale]).delete()
    _delete_files_on_commit([row.file.name for row in stale if row.file])
    return len(stale)
