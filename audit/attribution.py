"""Who wrote an event, as far as its row can tell.

Each event row has two witnesses: the context the application claims
(``pgh_context``: user, source, request, reason, and the application's
signature) and the database session PostgreSQL recorded (``pgh_session``).
Read together (audit/context.py says why):

- a context signed for the recorded session: the application's write, by the
  actor it names;
- a context not signed for that session: set or copied by hand, so the actor it
  names is only a claim;
- a context but no session: recorded before sessions were kept, so there is
  nothing to check the claim against;
- a session but no context: a direct database change (SQL from psql, say),
  attributed by its session alone;
- neither: recorded before sessions were kept, and not by the application.

Everything here is read from the row itself: no query.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .context import is_signed_for, session_of

SIGNED = "signed"
UNSIGNED = "unsigned"
UNCHECKED = "unchecked"
DIRECT = "direct"
UNRECORDED = "unrecorded"

DIRECT_LABEL = _("direct database change")
UNRECORDED_LABEL = _("not recorded: no application context, no database session")
UNSIGNED_WARNING = _("context not signed by the application")
UNCHECKED_WARNING = _("context cannot be checked: no database session recorded")
# What an export says of each kind, in its own column beside the actor.
CHECK_LABELS = {
    SIGNED: _("signed by the application"),
    UNSIGNED: UNSIGNED_WARNING,
    UNCHECKED: UNCHECKED_WARNING,
    DIRECT: DIRECT_LABEL,
    UNRECORDED: UNRECORDED_LABEL,
}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclasses.dataclass(frozen=True)
class DatabaseSession:
    """The database session that wrote an event, as ``audit_session()``
    recorded it."""

    session_user: str
    current_user: str
    application_name: str
    client_addr: str
    client_port: int | None
    pid: int | None
    backend_start_us: int | None
    xid: int | None

    @classmethod
    def of(cls, data: Any) -> DatabaseSession | None:
        if not isinstance(data, dict) or not data:
            return None
        return cls(
            session_user=_text(data.get("session_user")),
            current_user=_text(data.get("current_user")),
            application_name=_text(data.get("application_name")),
            client_addr=_text(data.get("client_addr")),
            client_port=_int(data.get("client_port")),
            pid=_int(data.get("pid")),
            backend_start_us=_int(data.get("backend_start_us")),
            xid=_int(data.get("xid")),
        )

    @property
    def role(self) -> str:
        """The database user, and the role it had taken when another."""
        if self.current_user and self.current_user != self.session_user:
            return gettext("%(user)s (acting as %(role)s)") % {
                "user": self.session_user,
                "role": self.current_user,
            }
        return self.session_user

    @property
    def client(self) -> str:
        if not self.client_addr:
            # inet_client_addr() is null over a Unix socket: on the database
            # server itself.
            return gettext("local socket on the database server")
        host = f"[{self.client_addr}]" if ":" in self.client_addr else self.client_addr
        return f"{host}:{self.client_port}" if self.client_port else host

    @property
    def started_at(self) -> dt.datetime | None:
        if self.backend_start_us is None:
            return None
        return dt.datetime.fromtimestamp(self.backend_start_us / 1_000_000, dt.UTC)

    @property
    def started(self) -> str:
        """The session's start, Beijing time (the site's zone)."""
        started = self.started_at
        return timezone.localtime(started).strftime(TIME_FORMAT) if started else ""

    @property
    def summary(self) -> str:
        """One line: who, with what program."""
        return " · ".join(part for part in (self.role, self.application_name) if part)

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) of every field, for a detail view."""
        dash = "—"
        return [
            (gettext("database user"), self.role or dash),
            (gettext("application name"), self.application_name or dash),
            (gettext("client address"), self.client),
            (gettext("backend process id"), _text(self.pid) or dash),
            (gettext("transaction id"), _text(self.xid) or dash),
            (gettext("session started"), self.started or dash),
        ]


@dataclasses.dataclass(frozen=True)
class Attribution:
    kind: str
    session: DatabaseSession | None

    @property
    def direct(self) -> bool:
        return self.kind == DIRECT

    @property
    def through_service(self) -> bool:
        """The row has a context: the application's, or one claiming to be."""
        return self.kind in (SIGNED, UNSIGNED, UNCHECKED)

    @property
    def flagged(self) -> str:
        """What to say in an event's heading: a direct change, or a context
        that names an actor the application did not vouch for ("" when the
        event is the application's own, or nothing can be checked)."""
        if self.kind == UNSIGNED:
            return self.warning
        return self.label

    @property
    def label(self) -> str:
        """What stands for the actor when the application named nobody."""
        if self.kind == DIRECT:
            return str(DIRECT_LABEL)
        if self.kind == UNRECORDED:
            return str(UNRECORDED_LABEL)
        return ""

    @property
    def warning(self) -> str:
        """What must be read beside the actor the context names. Events from
        before sessions were kept (the whole history of an upgraded service)
        carry no warning here: nothing about them is suspect, only unchecked,
        which the exports' check column says."""
        if self.kind == UNSIGNED:
            return str(UNSIGNED_WARNING)
        return ""

    @property
    def check_label(self) -> str:
        return str(CHECK_LABELS[self.kind])


def attribute(context: Any, session: Any) -> Attribution:
    """How an event was written, from its ``pgh_context`` and ``pgh_session``."""
    recorded = DatabaseSession.of(session)
    if not context:
        return Attribution(DIRECT if recorded else UNRECORDED, recorded)
    if recorded is None:
        return Attribution(UNCHECKED, None)
    signed = isinstance(context, dict) and is_signed_for(context, session_of(session))
    return Attribution(SIGNED if signed else UNSIGNED, recorded)
