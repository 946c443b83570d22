# Report models arrive with the periodic-reports work.
