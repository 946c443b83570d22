"""Declare the problem+json error responses on every operation of the schema,
so clients (and schemathesis) know every status the API may answer with."""

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
WRITES = {
    "409": "Not allowed in the current state, or a conflicting write.",
    "412": "The If-Match version is stale.",
    "422": "Idempotency-Key reused for a different request.",
    "428": "If-Match is required.",
}


def add_problem_responses(result, generator, request, public):
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
            for code, description in codes.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": ref}},
                    },
                )
    return result
