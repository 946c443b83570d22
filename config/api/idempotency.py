"""Idempotency-Key for POSTs that create things.

A client that timed out cannot know whether its progress update was saved; with
an ``Idempotency-Key`` it can simply send the request again. The first
successful (2xx) response is stored per (user, key); a retry of the same request
gets it back with ``Idempotent-Replayed: true`` and creates nothing. The same
key with another body or path is a client bug: 422. A failed request stores
nothing, so the client may correct it and retry with the same key.

Concurrency: the record is inserted *before* the view runs, in the view's own
transaction. A second request with the same key blocks on the unique index until
the first commits, then finds the stored response, so two simultaneous retries
can never both run the view. If the first fails, its insert rolls back with
everything else and the second proceeds as if it were first.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from config.exceptions import DomainError
from config.models import IdempotencyRecord

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
STORED_HEADERS = ("ETag", "Location")
_VALID_KEY = re.compile(r"[\x20-\x7e]{1,200}")  # printable ASCII

V = TypeVar("V", bound=Callable[..., Any])


class InvalidIdempotencyKey(DomainError):
    code = "invalid_idempotency_key"
    status = 400
    default_message = _("Idempotency-Key must be 1 to 200 printable ASCII characters.")


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
    default_message = _(
        "This Idempotency-Key was already used for a different request; "
        "use a new key for a new request."
    )


def ttl() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "IDEMPOTENCY_TTL_HOURS", 24))


def idempotency_records_purge(*, now: dt.datetime | None = None) -> int:
    """Delete records past the TTL; returns how many. Safe to run twice."""
    cutoff = (now or timezone.now()) - ttl()
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lt=cutoff
    ).delete()
    return deleted


def idempotency_key(request: Any) -> str | None:
    """The request's Idempotency-Key, or None; a malformed one is a 400."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not _VALID_KEY.fullmatch(key):
        raise InvalidIdempotencyKey()
    return key


def request_fingerprint(request: Any) -> str:
    """sha256 of what the client sent.

    The raw body for JSON and other single-part bodies. Not for multipart:
    clients pick a fresh random boundary for every request, so the bytes of an
    honest retry differ; there the digest covers the parsed fields and each
    file's name and content instead. Also the fallback when something already
    consumed the raw stream."""
    if not (request.content_type or "").startswith("multipart/form-data"):
        try:
            return hashlib.sha256(request.body).hexdigest()
        except RawPostDataException:
            pass
    return _parsed_fingerprint(request.data)


def _parsed_fingerprint(data: Any) -> str:
    digest = hashlib.sha256()
    items = sorted(data.lists()) if hasattr(data, "lists") else None
    if items is None:
        digest.update(json.dumps(data, cls=JSONEncoder, sort_keys=True).encode())
        return digest.hexdigest()
    for name, values in items:
        digest.update(f"\x00field:{name}".encode())
        for value in values:
            if hasattr(value, "chunks"):
                digest.update(f"\x00file:{value.name}:{value.size}:".encode())
                value.seek(0)
                for chunk in value.chunks():
                    digest.update(chunk)
                value.seek(0)  # the view reads it next
            else:
                digest.update(f"\x00value:{value}".encode())
    return digest.hexdigest()


def idempotent(view_method: V) -> V:
    """Make a DRF view method (``create``, or a POST ``@action``) honour
    Idempotency-Key. Without the header, or for an anonymous caller (records
    belong to a user), the method runs as usual."""

    @functools.wraps(view_method)
    def wrapper(view: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        key = idempotency_key(request)
        if key is None or not request.user.is_authenticated:
            return view_method(view, request, *args, **kwargs)
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            record, is_new = _claim(request, key, fingerprint)
            if not is_new:
                return _replay(record, request, fingerprint)
            response = view_method(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300 and isinstance(response, Response):
                # ETagMixin adds the ETag only when the response is finalised,
                # after this returns; add it now so the stored copy has it.
                apply_etag = getattr(view, "apply_etag", None)
                if callable(apply_etag):
                    apply_etag(request, response)
                _store(record, response)
            else:
                # Nothing to replay: free the key for a corrected retry.
                record.delete()
            return response

    return wrapper  # type: ignore[return-value]


class IdempotentCreateMixin:
    """For a ModelViewSet/CreateAPIView: ``create`` honours Idempotency-Key."""

    @idempotent
    def create(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().create(request, *args, **kwargs)  # type: ignore[misc]


def _claim(request: Any, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """Lock the existing record for (user, key), or insert a placeholder that
    the view's outcome will fill in. Returns (record, is_new)."""
    records = IdempotencyRecord.objects.select_for_update()
    existing = records.filter(user=request.user, key=key).first()
    if existing is not None and existing.created_at < timezone.now() - ttl():
        existing.delete()  # expired: the key is free again
        existing = None
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():  # savepoint: the outer transaction survives
            placeholder = IdempotencyRecord.objects.create(
                user=request.user,
                key=key,
                method=request.method,
                path=request.path,
                request_fingerprint=fingerprint,
                status_code=0,
            )
    except IntegrityError:
        # Another request with this key committed while we waited on the
        # unique index; its record is now visible (READ COMMITTED).
        return records.get(user=request.user, key=key), False
    return placeholder, True


def _replay(record: IdempotencyRecord, request: Any, fingerprint: str) -> Response:
    if (
        record.request_fingerprint != fingerprint
        or record.method != request.method
        or record.path != request.path
    ):
        raise IdempotencyKeyReused()
    headers = {**record.response_headers, REPLAYED_HEADER: "true"}
    return Response(record.response_body, status=record.status_code, headers=headers)


def _store(record: IdempotencyRecord, response: Response) -> None:
    # Store what the client saw (the JSON encoder's strings for dates, decimals
    # and UUIDs), so that a replay is byte-for-byte the same body.
    record.response_body = json.loads(json.dumps(response.data, cls=JSONEncoder))
    record.status_code = response.status_code
    record.response_headers = {
        name: response[name] for name in STORED_HEADERS if response.has_header(name)
    }
    record.save(update_fields=["response_body", "status_code", "response_headers"])
