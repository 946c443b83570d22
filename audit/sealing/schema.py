"""Columns added to a sealed table after rows of it could be sealed.

An event is sealed with the columns its table had then. A migration that adds
a column gives the rows already there one value (NULL, or the column's
default), and from then on the row's canonical JSON has one more key: without
this list, every event sealed before the migration would read as changed.

So each later column is listed here with the value its migration gave the old
rows, grouped by that migration, oldest first. The verifier recomputes a row's
digest with every column, then without the latest group, then without the two
latest, and so on; a group is left out only where each of its columns still
holds the value the migration gave. Every form has its own set of keys, so a
row changed in any column matches none of the forms it could have been sealed
in. The sealer always seals the full form.

tests/audit/test_sealed_columns.py finds every column that a migration added to
a sealed table after the ledger existed and fails until it is listed here.
"""

from __future__ import annotations

from typing import Any

# (migration that added the columns, {column: the value the rows got}).
Group = tuple[str, dict[str, Any]]

_SESSIONS: Group = ("0006_history_sessions", {"pgh_session": None})

# Event tables that existed before the writing session was recorded (0006).
_BEFORE_SESSIONS = (
    "agency",
    "claimdecision",
    "clockedschedule",
    "completionclaim",
    "crontabschedule",
    "extensionrequest",
    "group",
    "grouppermission",
    "indicator",
    "indicatorreading",
    "industrialpark",
    "initiative",
    "intervalschedule",
    "lightoverride",
    "membership",
    "milestone",
    "parkevaluation",
    "parkpair",
    "participation",
    "party",
    "periodictask",
    "progressupdate",
    "report",
    "reportsubscription",
    "task",
    "taskowner",
    "user",
    "usergroup",
    "userpermission",
    "workstream",
)

ADDED_COLUMNS: dict[str, list[Group]] = {
    f"audit.{name}event": [_SESSIONS] for name in _BEFORE_SESSIONS
}
ADDED_COLUMNS["audit.securityevent"] = [("0007_seal_runs", {"session": None})]
ADDED_COLUMNS["audit.taskownerevent"].append(
    (
        "0012_taskowner_event_party_progress",
        {"narrative": "", "progress": 0, "progress_reported_at": None, "version": 1},
    )
)
ADDED_COLUMNS["audit.extensionrequestevent"].append(
    ("0017_extension_event_granted_date", {"granted_due_date": None})
)
ADDED_COLUMNS["audit.notificationevent"] = [
    (
        "0018_notification_mail_events",
        {
            "digest_id": None,
            "email_attempts": 0,
            "email_error": "",
            "email_mode": "",
            "emailed_at": None,
            "in_app": True,
        },
    )
]
ADDED_COLUMNS["audit.parkpairevent"].append(("0019_park_cycle_events", {"batch": None}))


def sealed_forms(label: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The row as it may have been sealed: every column first, then without
    each later group in turn, newest first, while the row still holds the
    values the group's migration gave."""
    forms = [record]
    current = record
    for _migration, columns in reversed(ADDED_COLUMNS.get(label, [])):
        if any(
            column in current and current[column] != value
            for column, value in columns.items()
        ):
            break
        current = {k: v for k, v in current.items() if k not in columns}
        forms.append(current)
    return forms
