"""`{{ task|light_reason }}`: the light's reason as a sentence, for a task
annotated by `with_light` or a report row carrying its `reason`."""

from django import template

from ..lights import reason_of, reason_text

register = template.Library()


@register.filter
def light_reason(row) -> str:
    if isinstance(row, dict) and "reason" in row:
        return reason_text(row["reason"])
    return reason_text(reason_of(row))
