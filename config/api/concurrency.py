"""The HTTP side of optimistic concurrency for models with an integer `version`.

A representation carries ``ETag: "<app.model>-<pk>-v<version>"``; a write sends
it back in ``If-Match``. These helpers turn the header into the version the
client last read. The domain service then locks the row (``SELECT … FOR
UPDATE``, tracker.services._common.lock), raises PreconditionFailed when the
version it finds is not the expected one, and writes the next version before
its transaction commits. Of two writers holding the same ETag the second waits
on the lock until the first commits, then finds the version moved on: two
racing writers cannot both win.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, TypeVar

from django.http import HttpResponseBase
from django.utils.translation import gettext_lazy as _

from config.exceptions import PreconditionFailed, PreconditionRequired

R = TypeVar("R", bound=HttpResponseBase)

# A comma-separated list of entity tags (RFC 9110 §8.8.3), each optionally weak.
_ETAG = r'(?:W/)?"[^"]*"'
_ETAG_LIST = re.compile(rf"\s*{_ETAG}\s*(?:,\s*{_ETAG}\s*)*")
_ETAG_TAG = re.compile(r'(?P<weak>W/)?"(?P<value>[^"]*)"')

STAR_REFUSED = _(
    "If-Match must name the version you read: send the ETag you received, not “*”."
)
WEAK_NEVER_MATCHES = _(
    "A weak ETag (W/…) never matches a write: send the ETag exactly as you received it."
)


class Versioned(Protocol):
    pk: Any
    version: int
    _meta: Any


def etag_for(obj: Versioned) -> str:
    """The strong ETag of `obj`'s current version, quotes included."""
    return f'"{_tag_prefix(obj)}{obj.version}"'


def etag_of(model, pk, version: int) -> str:
    """etag_for without an instance: of the row `pk` of `model` at `version`."""
    return f'"{model._meta.label_lower}-{pk}-v{version}"'


def with_etag(response: R, obj: Versioned) -> R:
    """Set the ETag of `obj` on `response`; returns the response for chaining."""
    response["ETag"] = etag_for(obj)
    return response


def parse_if_match(request: Any, obj: Versioned) -> int:
    """The version of `obj` the client says it last read, from ``If-Match``.

    Raises PreconditionRequired when the header is missing or is ``*``, and
    PreconditionFailed when it is malformed, names another object, or holds
    only weak tags: a tag copied from another task must never authorise a write
    to this one.

    ``*`` would let a client overwrite whatever is there now without having
    read it, which is exactly the lost update the header exists to prevent.
    Weak tags never match because RFC 9110 §13.1.1 asks for strong comparison:
    a weak tag says "about the same", and a write must be about this version.
    """
    header = request.headers.get("If-Match")
    if header is None:
        raise PreconditionRequired()
    header = header.strip()
    if header == "*":
        raise PreconditionRequired(STAR_REFUSED)
    if not _ETAG_LIST.fullmatch(header):
        raise PreconditionFailed()

    prefix = _tag_prefix(obj)
    claimed = []
    weak = False
    for tag in _ETAG_TAG.finditer(header):
        if tag.group("weak"):
            weak = True
            continue
        value = tag.group("value")
        version = value.removeprefix(prefix)
        if version != value and version.isascii() and version.isdigit():
            claimed.append(int(version))
    if not claimed:
        raise PreconditionFailed(WEAK_NEVER_MATCHES if weak else None)
    # A list may hold several versions of this object (a client unsure which it
    # has): the current one, if listed, is the one that can succeed.
    return obj.version if obj.version in claimed else claimed[0]


def expected_version(request: Any, obj: Versioned) -> int:
    """The version a conditional write of `obj` must find: the one the client
    names in ``If-Match``. The service compares it under the row lock."""
    return parse_if_match(request, obj)


def _tag_prefix(obj: Versioned) -> str:
    return f"{obj._meta.label_lower}-{obj.pk}-v"


class ETagMixin:
    """Puts the ETag of the one object a response shows, or of the task it
    belongs to, on every successful response of the view.

    Reads are covered by ``get_object()``; rows that have no version of their
    own (owners, indicators, extension requests) name their task in
    ``etag_source``, since writes under them are conditioned on the task's
    version, so a client sends back what it read. A write view must set
    ``self.etag_object`` to what the service returned: the object it read
    before the write has the old version, and an ETag from it would make the
    client's next write fail, so without that assignment a write gets no ETag
    rather than a wrong one.
    """

    etag_object: Versioned | None = None
    _etag_read_object: Versioned | None = None

    ETAG_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})
    SAFE_METHODS = frozenset({"GET", "HEAD"})

    def get_object(self) -> Any:
        obj = super().get_object()  # type: ignore[misc]
        self._etag_read_object = obj
        return obj

    def apply_etag(self, request: Any, response: HttpResponseBase) -> None:
        """Set the ETag if this response shows one versioned object. Also called
        by the idempotency wrapper, so that a replay carries the same ETag."""
        if not 200 <= response.status_code < 300 or response.has_header("ETag"):
            return
        method = request.method.upper()
        if method not in self.ETAG_METHODS:
            return
        obj = self.etag_object
        if obj is None and method in self.SAFE_METHODS:
            obj = self._etag_read_object
            obj = self.etag_source(obj) if obj is not None else None
        if obj is not None and getattr(obj, "version", None) is not None:
            with_etag(response, obj)

    def etag_source(self, obj: Any) -> Versioned | None:
        """The versioned object whose ETag a read of `obj` carries."""
        return obj

    def finalize_response(self, request: Any, response: Any, *args, **kwargs) -> Any:
        finalize = super().finalize_response  # type: ignore[misc]
        response = finalize(request, response, *args, **kwargs)
        self.apply_etag(request, response)
        return response
