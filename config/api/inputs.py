"""What every API view does with a request body: check it with a strict input
serializer that sees who is asking, so that each id in it is checked against
the rows that user may use (DESIGN.md, "every id inside a request body … is
validated against what that user may touch")."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


# Refuses fields it does not know, so a client can never smuggle `status` or
# `lead_party` into a write. (A comment: the schema would show a docstring as
# the description of every input built on it.)
class StrictSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = set(data.keys()) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [_("This field cannot be set here.")]
                        for name in sorted(unknown)
                    }
                )
        return super().to_internal_value(data)


def validated(
    serializer_class: type[serializers.Serializer], request, **context
) -> dict:
    """The request's body as `serializer_class` reads it (with `context`, e.g.
    the task the body is about); a 400 naming each field it refuses."""
    serializer = serializer_class(
        data=request.data, context={"request": request, **context}
    )
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ScopedIdField(serializers.PrimaryKeyRelatedField):
    """The id of a row among those `scope(user=…)` gives the requesting user.
    Any other id, whether its row exists or not, gets the same answer, so a
    request body can neither use nor probe for what the user may not see."""

    def __init__(self, model: type[Model], *, scope: Callable[..., QuerySet], **kw):
        self.scope = scope
        # The model's empty queryset names the id's type for the schema; the
        # rows an id may name come from `scope`.
        super().__init__(queryset=model._default_manager.none(), **kw)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        if request is None:
            return self.queryset
        return self.scope(user=request.user)
