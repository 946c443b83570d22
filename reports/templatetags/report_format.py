"""Template filters of the report renderers: `{% load report_format %}`.

Values come from a report snapshot (ISO dates, decimals as strings, codes);
the filters format them in the active language (see reports.render.formatting).
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports.render import formatting

register = template.Library()

register.filter("rdate", formatting.format_date)
register.filter("rdatetime", formatting.format_datetime)
register.filter("rint", formatting.format_int)
register.filter("rnumber", formatting.format_number)
register.filter("rpercent", formatting.format_percent)
register.filter("party_progress", formatting.party_progress_text)
register.filter("rsigned", formatting.format_signed)
register.filter("rpoints", formatting.format_points)
register.filter("status_label", formatting.status_label)
register.filter("light_label", formatting.light_label)
register.filter("task_list_label", formatting.task_list_label)
register.filter("priority_label", formatting.priority_label)
register.filter("direction_label", formatting.direction_label)
register.filter("extension_label", formatting.extension_status_label)
register.filter("evaluation_label", formatting.evaluation_label)
register.filter("party_label", formatting.party_label)
register.filter("owners_text", formatting.owners_text)
register.filter("join_list", formatting.join_list)
register.filter("light_reason", formatting.light_reason)


@register.filter
def light_badge(code):
    """The light as a coloured mark and its words: colour is never alone."""
    code = code or "none"
    return format_html(
        '<span class="light light-{}"><span class="light-dot" aria-hidden="true">'
        "</span>{}</span>",
        code,
        formatting.light_label(code),
    )


@register.filter
def status_badge(code):
    return format_html(
        '<span class="task-status task-status-{}">{}</span>',
        code,
        formatting.status_label(code),
    )


@register.filter
def evaluation_badge(code):
    return format_html(
        '<span class="evaluation evaluation-{}">{}</span>',
        code or "none",
        formatting.evaluation_label(code),
    )


@register.filter
def owner_line(owner):
    """川：单位 / 川: agency, the party in bold."""
    pattern = conditional_escape(_("%(party)s: %(agency)s"))
    return mark_safe(  # noqa: S308  (every part is escaped)
        pattern
        % {
            "party": format_html(
                '<span class="party">{}</span>',
                owner.get("party") or formatting.MISSING,
            ),
            "agency": conditional_escape(owner.get("agency") or formatting.MISSING),
        }
    )
