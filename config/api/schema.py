"""What the schema says beyond the serializers: the problem+json error
responses of every operation, so clients (and schemathesis) know every status
the API may answer with, and the headers of the write contract: ``If-Match``
and ``ETag`` (optimistic concurrency), ``Idempotency-Key`` (safe retries) and
``X-Change-Reason`` (the why of the audit trail)."""

import copy
import re

from drf_spectacular.utils import OpenApiParameter

from config.api.idempotency import IDEMPOTENCY_HEADER, REPLAYED_HEADER

_TAG = '"<app.model>-<id>-v<version>"'
_WHOSE = {
    "task": (
        "the task this belongs to: any read of the task, or of an owner, "
        "indicator or extension request under it, answers with it"
    ),
    "milestone": "the milestone, from its read",
    "assessment": "the park's assessment, from its read",
    "cycle": "the evaluation cycle, from its read",
    "part": (
        "your party's part of the task (`etag` of your party's entry in the "
        "task's `owners`, or the ETag of your previous update's answer); each "
        "party's part has its own version, so parties never make each other's "
        "updates stale"
    ),
}


_ETAG_OF = {
    "task": "the task",
    "part": "your party's part of the task",
    "assessment": "the park's assessment",
    "cycle": "the evaluation cycle",
}


def if_match(on: str) -> OpenApiParameter:
    """``If-Match`` for a write conditioned on the version of `on`."""
    return OpenApiParameter(
        "If-Match",
        str,
        OpenApiParameter.HEADER,
        required=True,
        description=(
            f"The ETag ({_TAG}) of {_WHOSE[on]}, exactly as you read it. "
            "Compared strongly with the current version under a row lock: "
            "missing or `*` → 428; a stale, weak (W/…) or another object's "
            "tag → 412 and nothing changes."
        ),
    )


def etag(on: str, codes=(200,)) -> OpenApiParameter:
    """The ``ETag`` response header: the version of `on` after the request."""
    return OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        required=True,
        response=list(codes),
        description=(
            f"The current version of {_ETAG_OF.get(on, on)} "
            f"({_TAG}): send it in If-Match with the next write under it."
        ),
    )


IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[ -~]+$"},
    OpenApiParameter.HEADER,
    description=(
        "A new key (1 to 200 printable ASCII characters, e.g. a UUID) for each "
        "new request. A retry with the same key and the same request gets the "
        "first answer again, with `Idempotent-Replayed: true`, and creates "
        "nothing; the same key with another request → 422."
    ),
)


def replayed(codes) -> OpenApiParameter:
    return OpenApiParameter(
        REPLAYED_HEADER,
        {"type": "string", "enum": ["true"]},
        OpenApiParameter.HEADER,
        response=list(codes),
        description="Present when this is the stored answer to an earlier request.",
    )


def conditional(on: str, codes=(200,)) -> list[OpenApiParameter]:
    """Parameters of a write conditioned on `on`'s version that creates
    nothing: answers with `on`'s new ETag."""
    return [if_match(on), etag(on, codes)]


def creating(on: str | None, codes=(201,)) -> list[OpenApiParameter]:
    """Parameters of a POST that creates something, conditioned on `on`'s
    version (None: on nothing, e.g. a report request)."""
    headers = [IDEMPOTENCY_KEY, replayed(codes)]
    if on is not None:
        headers += conditional(on, codes)
    return headers


CHANGE_REASON = {
    "in": "header",
    "name": "X-Change-Reason",
    "required": False,
    "schema": {"type": "string"},
    "description": (
        "Why the change is made, kept with it in the audit history (up to 500 "
        "characters; longer is cut)."
    ),
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "code"],
}

COMMON = {
    "400": "Invalid input.",
    "401": "Not signed in.",
    "403": "Visible to you, but not yours to change.",
    "404": "Does not exist, or not visible to you.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "415": "Unsupported media type.",
    "429": "Too many requests.",
}
WRITES = {"409": "Not allowed in the current state, or a conflicting write."}
CONDITIONAL = {
    "412": "The If-Match tag is stale, weak or another object's; nothing changed.",
    "428": "If-Match is missing or `*`: send the ETag you read.",
}
IDEMPOTENT = {"422": "Idempotency-Key reused for a different request."}


def _headers(operation) -> set[str]:
    return {
        p.get("name", "").lower()
        for p in operation.get("parameters", [])
        if p.get("in") == "header"
    }


def _request_bodies(result):
    """(media type, media object, its component or None) of every request body."""
    schemas = result.get("components", {}).get("schemas", {})
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            content = (operation.get("requestBody") or {}).get("content", {})
            for media_type, media in content.items():
                ref = media.get("schema", {}).get("$ref", "")
                yield media_type, media, schemas.get(ref.rsplit("/", 1)[-1])


def _closed_request_bodies(result) -> None:
    """Every input serializer is strict (an unknown field is a 400, so that a
    misspelt field is never silently dropped): say so, or a client reading the
    schema may send extra fields and be refused for it."""
    for _media_type, _media, component in _request_bodies(result):
        if component is not None and component.get("type") == "object":
            component["additionalProperties"] = False


FORM_MEDIA = ("multipart/form-data", "application/x-www-form-urlencoded")
# drf-spectacular's pattern for a decimal, `^-?\d{0,16}(?:\.\d{0,4})?$`, also
# matches "", "-" and ".", which DRF rightly refuses: ask for a digit.
_LOOSE_DECIMAL = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


def _not_nullable(prop: dict) -> dict:
    prop = {k: v for k, v in prop.items() if k != "nullable"}
    if "oneOf" in prop:
        kept = [s for s in prop["oneOf"] if "NullEnum" not in s.get("$ref", "")]
        if len(kept) == 1:
            del prop["oneOf"]
            prop.update(kept[0])
        else:
            prop["oneOf"] = kept
    return prop


def _form_request_bodies(result) -> None:
    """A form field is text: it can be left out, but it cannot be null (a form
    sending "null" sends the word). The form variants of a body say so, so a
    client is not told it may send null where only leaving the field out works."""
    schemas = result.get("components", {}).get("schemas", {})
    for media_type, media, component in list(_request_bodies(result)):
        if (
            media_type not in FORM_MEDIA
            or component is None
            or not any(
                p.get("nullable") or "oneOf" in p
                for p in component.get("properties", {}).values()
            )
        ):
            continue
        name = media["schema"]["$ref"].rsplit("/", 1)[-1]
        form_name = f"{name}Form"
        if form_name not in schemas:
            form = copy.deepcopy(component)
            form["properties"] = {
                k: _not_nullable(v) for k, v in form["properties"].items()
            }
            schemas[form_name] = form
        media["schema"] = {"$ref": f"#/components/schemas/{form_name}"}


def _strict_decimals(node) -> None:
    if isinstance(node, dict):
        pattern = node.get("pattern")
        if node.get("format") == "decimal" and isinstance(pattern, str):
            loose = _LOOSE_DECIMAL.match(pattern)
            if loose:
                whole, fraction = loose.groups()
                node["pattern"] = (
                    rf"^-?(?:\d{{1,{whole}}}(?:\.\d{{0,{fraction}}})?"
                    rf"|\.\d{{1,{fraction}}})$"
                )
        for value in node.values():
            _strict_decimals(value)
    elif isinstance(node, list):
        for value in node:
            _strict_decimals(value)


def add_problem_responses(result, generator, request, public):
    _closed_request_bodies(result)
    _form_request_bodies(result)
    _strict_decimals(result.get("components", {}))
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
        PROBLEM_SCHEMA
    )
    ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = dict(COMMON)
            if method in {"post", "put", "patch", "delete"}:
                codes.update(WRITES)
                operation.setdefault("parameters", []).append(dict(CHANGE_REASON))
            headers = _headers(operation)
            if "if-match" in headers:
                codes.update(CONDITIONAL)
            if IDEMPOTENCY_HEADER.lower() in headers:
                codes.update(IDEMPOTENT)
            for code, description in codes.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": ref}},
                    },
                )
    return result
