"""Exports of the task list: any filtered list as XLSX (the import's sheets
事项, 责任单位, 节点, 指标) or CSV (the 事项 sheet), in the import's columns
(`imports.columns`), followed by the computed ones: progress, the lights with
their reasons, the days overdue. An exported file imports as it is.

- `data`: what is exported, read through the same filter as the list it comes
  from (the page's or the API's) and scoped to the user; a constant number of
  queries whatever the number of tasks.
- `columns`: how each cell of the import's columns and of the export-only
  ones is read from a row; headers in the active language.
- `xlsx`, `csv`: the two writers; every cell goes through
  `config.spreadsheet`, so nothing a user typed runs as a formula.
- `jobs`: a large export (more than `SYNC_LIMIT` tasks) is a job row the
  worker fills (`tasks.run_export_job`); the page and the API offer the file
  when it is done.
"""
