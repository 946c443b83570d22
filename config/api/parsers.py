"""The API's JSON parser: DRF's, with the limits Django applies to forms.

Django refuses a form body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only when
``request.body`` is read; DRF streams a JSON body straight into the parser, so
without a limit here any size is read into memory. Python's decoder recurses
once per nesting level and a body a thousand levels deep ends in a
RecursionError (a 500); no request of this API is more than a few levels deep,
so anything deeper than :data:`MAX_DEPTH` is refused as malformed.
"""

from __future__ import annotations

import codecs
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            # The same exception (and so the same answer) as when Django
            # finds the body too big.
            raise RequestDataTooBig(
                "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE."
            )
        try:
            text = codecs.decode(raw, encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            raise ParseError(_too_deep()) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if _depth_exceeds(data, MAX_DEPTH):
            raise ParseError(_too_deep())
        return data


def _too_deep():
    return _("The request body is nested too deeply (at most %(depth)d levels).") % {
        "depth": MAX_DEPTH
    }


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Without recursion, so that it cannot itself run out of stack."""
    pending = [(data, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        pending.extend(
            (child, depth + 1) for child in children if isinstance(child, dict | list)
        )
    return False
