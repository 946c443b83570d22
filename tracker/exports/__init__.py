"""Exports of the task list: any filtered list as XLSX (事项, 节点, 指标 sheets)
or CSV (the 事项 sheet), with the owners, the milestones, the lights with their
reasons and the days overdue.

- `data`: what is exported, read through the same filter as the list it comes
  from (the page's or the API's) and scoped to the user; a constant number of
  queries whatever the number of tasks.
- `columns`: the sheets' columns, their headers (in the active language) and
  how each cell is read from a row.
- `xlsx`, `csv`: the two writers; every cell goes through
  `config.spreadsheet`, so nothing a user typed runs as a formula.
- `jobs`: a large export (more than `SYNC_LIMIT` tasks) is a job row the
  worker fills (`tasks.run_export_job`); the page and the API offer the file
  when it is done.
"""
