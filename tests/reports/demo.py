import datetime as dt

# The demo's relative dates (overdue and due-soon milestones, weekly progress
# reports) are laid out from this day; October is then the last full month.
# The demo and its report are made at this explicit day, not the clock.
DEMO_DAY = dt.date(2026, 11, 3)
