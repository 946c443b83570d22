"""Charts as SVG text, drawn from plain figures: labels, counts and rates.

Both apps draw the same charts: the reports in their HTML and PDF, the tracker
on the leadership overview. The drawing lives here, beside the apps rather
than in either, so that neither imports the other's rendering or dresses its
figures up as the other's data to reuse it. The callers hand over rows of
(label, counts) and trend points whose periods they have already named; this
package knows no model, query, snapshot or view. Its only import from the apps
is the vocabulary of task statuses and lights (`tracker.choices`), whose
colours and names every chart shares.

Not in `config`: that is the project's wiring (settings, URLs, middleware, the
API's plumbing), which the apps build on; drawing is presentation the apps
share. Not an app either: no models, templates or settings of its own.

- `charts.tasks`: the task charts (statuses and lights by group, the
  completion trend) and their colours;
- `charts.svg`: the drawing itself (stacked bars, text, legends);
- `charts.formatting`: numbers, dates and the measure of text as the charts
  write them; the reports write theirs with the same functions.
"""
