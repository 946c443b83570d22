"""The report's opening summary (总体情况), written from its frozen snapshot
by rules and templates, in the active language.

    story(snapshot) -> [Paragraph(heading, [Sentence(text, figures, terms)])]

Each sentence keeps the figures it states, each with where in the snapshot it
comes from (`source`) and how the sentence writes it, and the names it quotes
(titles, codes, work streams), so that a test can take the numbers back out of
the text and check every one against the snapshot. Nothing here reads the
database: the same snapshot reads the same every time it is rendered.

A `source` is a path into the snapshot ("summary.by_light.red",
"overdue.0.reason.figures.milestone_days") or a count the summary makes of it
("count:newly_red", "more:newly_red": those not named in a cut list); see
`COUNTS` for what each count counts.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .concerns import forecast_warnings, next_steps, red_lights, reminders
from .period import overall, this_period
from .writer import COUNTS, LIST_LIMIT, Figure, Paragraph, Sentence, Writer


def story(snapshot: dict) -> list[Paragraph]:
    """The opening summary of a report, in the active language."""
    w = Writer()
    paragraphs = [Paragraph(_("Overall progress"), overall(w, snapshot))]
    if not snapshot["summary"]["total"]:
        return paragraphs
    paragraphs.append(Paragraph(_("This period"), this_period(w, snapshot)))
    concerns = [red_lights(w, snapshot)]
    urges = reminders(w, snapshot)
    if urges:
        concerns.append(urges)
    concerns += forecast_warnings(w, snapshot)
    paragraphs.append(Paragraph(_("Problems and supervision"), concerns))
    ahead = next_steps(w, snapshot)
    if ahead:
        paragraphs.append(Paragraph(_("Next steps"), ahead))
    return paragraphs


def story_text(snapshot: dict) -> list[tuple[str, str]]:
    """(heading, text) of each paragraph, for templates and the workbook."""
    return [(p.heading, p.text) for p in story(snapshot)]


__all__ = ["COUNTS", "LIST_LIMIT", "Figure", "Paragraph", "Sentence", "story"]
